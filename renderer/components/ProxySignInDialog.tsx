import { useCallback, useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useProxySignInStore } from '../state/proxy-sign-in-store';
import { useModalKeys } from './modal-keys';

/**
 * The company proxy asks for a sign-in (main's requests or the window's wait for it): user name and
 * password, once. Focus starts in the user name, stays inside while the dialog is open, Escape cancels.
 */
export function ProxySignInDialog({ proxy, refused }: { proxy: string; refused: boolean }) {
  const { t } = useTranslation();
  const { answer, cancel } = useProxySignInStore.getState();
  const busy = useProxySignInStore((s) => s.busy);
  const failedKey = useProxySignInStore((s) => s.errorKey);
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [missing, setMissing] = useState(false);
  const titleId = useId();
  const bodyId = useId();
  const errorId = useId();
  const dialog = useRef<HTMLDivElement>(null);
  const first = useRef<HTMLInputElement>(null);

  useEffect(() => {
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    first.current?.focus();
    return () => opener?.focus();
  }, [proxy]);

  const onEscape = useCallback(() => void cancel(proxy), [cancel, proxy]);
  useModalKeys(dialog, onEscape, 'input, button:not([disabled])');

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const name = username.trim();
    if (!name || name.includes(':')) {
      setMissing(true);
      first.current?.focus();
      return;
    }
    setMissing(false);
    void answer({ proxy, username: name, password });
  };

  const error = missing ? t('proxySignIn.invalidUsername') : failedKey ? t(failedKey) : null;
  return (
    <div className="dialog-backdrop">
      <div
        ref={dialog}
        className="card dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        aria-describedby={bodyId}
      >
        <h2 id={titleId} className="card-title">
          {t('proxySignIn.title')}
        </h2>
        <div id={bodyId}>
          <p>{t('proxySignIn.body', { proxy })}</p>
          {refused && (
            <p className="feedback feedback-error" role="alert">
              {t('proxySignIn.refused')}
            </p>
          )}
        </div>
        <form className="form-grid" onSubmit={submit} noValidate>
          <div className="setting-row">
            <label className="field-label" htmlFor={`${titleId}-username`}>
              {t('proxySignIn.username')}
            </label>
            <input
              ref={first}
              id={`${titleId}-username`}
              className="text-input"
              autoComplete="username"
              spellCheck={false}
              value={username}
              aria-invalid={missing}
              aria-describedby={error ? errorId : undefined}
              onChange={(event) => setUsername(event.target.value)}
            />
          </div>
          <div className="setting-row">
            <label className="field-label" htmlFor={`${titleId}-password`}>
              {t('proxySignIn.password')}
            </label>
            <input
              id={`${titleId}-password`}
              className="text-input"
              type="password"
              autoComplete="current-password"
              value={password}
              onChange={(event) => setPassword(event.target.value)}
            />
          </div>
          <p className="hint">{t('proxySignIn.keychainHint')}</p>
          {error && (
            <p id={errorId} className="feedback feedback-error" role="alert">
              {error}
            </p>
          )}
          <div className="button-row">
            <button type="submit" className="button button-primary" disabled={busy}>
              {t('proxySignIn.submit')}
            </button>
            <button type="button" className="button button-secondary" onClick={() => void cancel(proxy)}>
              {t('proxySignIn.cancel')}
            </button>
          </div>
        </form>
      </div>
    </div>
  );
}
