import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { useProxySignInStore, watchProxySignIn } from '../state/proxy-sign-in-store';
import { ProxySignInDialog } from './ProxySignInDialog';

/**
 * The company proxy's sign-in, above every screen: the dialog while a proxy asks, and after a Cancel (or
 * while the app was locked) a notice that the sign-in is still needed, with a button that asks again.
 */
export function ProxySignIn() {
  const { t } = useTranslation();
  const state = useProxySignInStore((s) => s.state);
  useEffect(() => watchProxySignIn(), []);
  if (!state) return null;
  if (state.asking) return <ProxySignInDialog key={state.asking.proxy} {...state.asking} />;
  const [needed] = state.needed;
  if (!needed) return null;
  return (
    <section className="provider-status provider-status-outage" aria-labelledby="proxy-needed-title">
      <p className="provider-status-text" role="status">
        <strong id="proxy-needed-title">{t('proxySignIn.neededTitle')}</strong>{' '}
        {t(needed.refused ? 'proxySignIn.neededRefused' : 'proxySignIn.neededBody', { proxy: needed.proxy })}
      </p>
      <div className="provider-status-actions">
        <button
          type="button"
          className="button button-primary"
          onClick={() => void useProxySignInStore.getState().ask(needed.proxy)}
        >
          {t('proxySignIn.signIn')}
        </button>
      </div>
    </section>
  );
}
