import { useTranslation } from 'react-i18next';
import { ClockSkewWarning } from '../components/ClockSkewWarning';
import { useAppStore } from '../state/app-store';
import { useSignInStore } from '../state/sign-in-store';

/** Settings: who is signed in (from the ID token), and "Sign out". */
export function AccountSection() {
  const { t } = useTranslation();
  const state = useSignInStore((s) => s.state);
  const requestError = useSignInStore((s) => s.requestError);
  const signOut = useSignInStore((s) => s.signOut);
  const navigate = useAppStore((s) => s.navigate);
  const provider = useAppStore((s) => s.policy?.provider ?? null);
  const configured = provider !== null;
  if (!configured && state.status !== 'signed-in') return null;

  return (
    <section className="card settings-card" aria-labelledby="settings-account">
      <h2 id="settings-account" className="card-title">
        {t('account.title')}
      </h2>
      {state.status === 'signed-in' ? (
        <>
          <p>{t('account.signedInAs', { name: state.user.name, email: state.user.email })}</p>
          <p className="hint">
            {t('account.method', { method: t(`signIn.methods.${state.user.method}`) })}
            {state.user.roles.length > 0 &&
              ` · ${t('account.role', { role: state.user.roles.map((role) => t(`account.roles.${role}`)).join(', ') })}`}
          </p>
          {state.user.rolesUnknown && (
            <p className="feedback feedback-error" role="alert">
              {t('account.rolesUnknown')}
            </p>
          )}
          {provider?.apiBaseUrl !== undefined && <p className="hint">{t('account.provisioned')}</p>}
          {provider?.apiBaseUrl === undefined && provider?.sipAccount !== undefined && (
            <p className="hint">{t('account.templated')}</p>
          )}
          <button type="button" className="button button-secondary" onClick={() => void signOut()}>
            {t('account.signOut')}
          </button>
        </>
      ) : (
        <>
          <p className="hint">{t('account.signedOut')}</p>
          <button type="button" className="button button-secondary" onClick={() => navigate('signIn')}>
            {t('account.signIn')}
          </button>
        </>
      )}
      <ClockSkewWarning />
      {requestError && (
        <p className="feedback feedback-error" role="alert">
          {t(requestError)}
        </p>
      )}
    </section>
  );
}
