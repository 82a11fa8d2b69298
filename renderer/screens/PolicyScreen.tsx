import { Fragment, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { PolicyWarnings } from '../../shared/provider/policy-warnings';
import { ScreenHeading } from '../components/ScreenHeading';
import { call, subscribe } from '../ipc/client';
import { useAppStore } from '../state/app-store';
import { useIsAdmin } from '../state/sign-in-store';

/** What the issuer's discovery document says the policy cannot meet; read again on every policy change. */
function usePolicyWarnings(): PolicyWarnings | null {
  const [warnings, setWarnings] = useState<PolicyWarnings | null>(null);
  useEffect(() => {
    const stop = subscribe('policy.warningsChanged', setWarnings);
    call('policy.warnings', undefined).then(setWarnings, () => setWarnings(null));
    return stop;
  }, []);
  return warnings;
}

function WarningList({ warnings }: { warnings: PolicyWarnings | null }) {
  const { t } = useTranslation();
  if (!warnings) return <p className="hint">{t('policyScreen.checking')}</p>;
  if (warnings.warnings.length === 0) return <p className="hint">{t('policyScreen.noWarnings')}</p>;
  return (
    <ul className="warning-list">
      {warnings.warnings.map((warning) => (
        <li key={`${warning.code}:${warning.detail ?? ''}`} className="feedback feedback-warning">
          {t(`policyScreen.warnings.${warning.code}`, { detail: warning.detail ?? '' })}
        </li>
      ))}
    </ul>
  );
}

/** Administrators only (the role comes from the ID token): the managed policy in force on this device. */
export function PolicyScreen() {
  const { t } = useTranslation();
  const policy = useAppStore((s) => s.policy);
  const navigate = useAppStore((s) => s.navigate);
  const admin = useIsAdmin();
  const warnings = usePolicyWarnings();
  useEffect(() => {
    if (!admin) navigate('phone');
  }, [admin, navigate]);
  if (!admin || !policy) return null;
  const yesNo = (value: boolean) => t(value ? 'policyScreen.yes' : 'policyScreen.no');
  const list = (values: readonly (string | number)[] | undefined) =>
    values && values.length > 0 ? values.join(', ') : t('policyScreen.none');
  const provider = policy.provider;
  const rows: Array<[string, string]> = [
    ['issuer', provider?.issuer ?? t('policyScreen.none')],
    ['kind', t(`policyScreen.kinds.${provider?.kind ?? 'broker'}`)],
    ['apiBaseUrl', provider?.apiBaseUrl ?? t('policyScreen.none')],
    ['sipAccount', provider?.sipAccount?.uri ?? t('policyScreen.none')],
    ['signInMethods', policy.signInMethods.map((method) => t(`signIn.methods.${method}`)).join(', ')],
    ['companyDomains', list(policy.companyDomains)],
    ['requireMfa', yesNo(policy.requireMfa)],
    ['mfaAmr', list(policy.mfa.amr)],
    ['mfaAcr', list(policy.mfa.acr)],
    ['mfaEnforcedByIdp', yesNo(policy.mfa.enforcedByIdp)],
    ['roleClaims', list(provider?.roleClaims)],
    ['adminRoles', list(provider?.adminRoles ?? ['admin'])],
    ['admins', list(provider?.admins)],
    ['tenants', list(provider?.tenants)],
    ['hostedDomain', provider?.hostedDomain ?? t('policyScreen.none')],
    ['loopbackPorts', provider?.loopbackPorts ? list(provider.loopbackPorts) : t('policyScreen.any')],
    ['idleLockMinutes', String(policy.idleLockMinutes)],
    ['sessionMaxAgeHours', String(policy.sessionMaxAgeHours)],
    ['allowManualSipAccount', yesNo(policy.allowManualSipAccount)],
    ['pinnedKeys', String(policy.pinnedSpkiSha256.length)],
    [
      'historyRetentionDays',
      policy.historyRetentionDays === null ? t('policyScreen.none') : String(policy.historyRetentionDays),
    ],
    ['allowExport', yesNo(policy.allowExport)],
    ['allowDelete', yesNo(policy.allowDelete)],
  ];
  return (
    <section className="screen">
      <header className="screen-header">
        <ScreenHeading>{t('policyScreen.title')}</ScreenHeading>
      </header>
      {provider && (
        <section className="card settings-card" aria-labelledby="policy-warnings">
          <h2 id="policy-warnings" className="card-title">
            {t('policyScreen.warningsTitle')}
          </h2>
          <WarningList warnings={warnings} />
        </section>
      )}
      <section className="card settings-card" aria-labelledby="policy-in-force">
        <h2 id="policy-in-force" className="card-title">
          {t('policyScreen.inForce')}
        </h2>
        <dl className="about-list">
          {rows.map(([key, value]) => (
            <Fragment key={key}>
              <dt>{t(`policyScreen.keys.${key}`)}</dt>
              <dd>{value}</dd>
            </Fragment>
          ))}
        </dl>
      </section>
    </section>
  );
}
