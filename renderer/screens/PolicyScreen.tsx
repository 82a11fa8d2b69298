import { Fragment, useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { ScreenHeading } from '../components/ScreenHeading';
import { useAppStore } from '../state/app-store';
import { useIsAdmin } from '../state/sign-in-store';

/** Administrators only (the role comes from the ID token): the managed policy in force on this device. */
export function PolicyScreen() {
  const { t } = useTranslation();
  const policy = useAppStore((s) => s.policy);
  const navigate = useAppStore((s) => s.navigate);
  const admin = useIsAdmin();
  useEffect(() => {
    if (!admin) navigate('phone');
  }, [admin, navigate]);
  if (!admin || !policy) return null;
  const yesNo = (value: boolean) => t(value ? 'policyScreen.yes' : 'policyScreen.no');
  const rows: Array<[string, string]> = [
    ['issuer', policy.provider?.issuer ?? t('policyScreen.none')],
    ['signInMethods', policy.signInMethods.map((method) => t(`signIn.methods.${method}`)).join(', ')],
    ['companyDomains', policy.companyDomains.join(', ') || t('policyScreen.none')],
    ['requireMfa', yesNo(policy.requireMfa)],
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
