import { useTranslation } from 'react-i18next';
import { useProxySignInStore } from '../state/proxy-sign-in-store';

const none: never[] = [];

/** Settings: the proxy sign-ins kept in the keychain (user name only), each with Forget. */
export function ProxySection() {
  const { t } = useTranslation();
  const saved = useProxySignInStore((s) => s.state?.saved ?? none);
  const failedKey = useProxySignInStore((s) => s.errorKey);
  if (saved.length === 0) return null;
  return (
    <section className="card settings-card" aria-labelledby="proxy-section-title">
      <h2 id="proxy-section-title" className="card-title">
        {t('proxySignIn.settingsTitle')}
      </h2>
      {saved.map(({ proxy, username }) => (
        <div key={proxy}>
          <p>{t('proxySignIn.saved', { proxy, username })}</p>
          <div className="button-row">
            <button
              type="button"
              className="button button-secondary"
              aria-label={t('proxySignIn.forgetNamed', { proxy })}
              onClick={() => void useProxySignInStore.getState().forget(proxy)}
            >
              {t('proxySignIn.forget')}
            </button>
          </div>
        </div>
      ))}
      <p className="hint">{t('proxySignIn.forgetHint')}</p>
      {failedKey && (
        <p className="feedback feedback-error" role="alert">
          {t(failedKey)}
        </p>
      )}
    </section>
  );
}
