import { useEffect, useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Feedback, type FeedbackMessage } from '../components/Feedback';
import { markSignIn, signInMarks } from '../../shared/domain/sign-in-marks';
import { errorKey } from '../ipc/client';
import { useSipAccountStore } from '../state/sip-account-store';

/**
 * Without a provider API, the SIP address comes from the policy's template over the sign-in; the person
 * enters the password of their phone line once (main keeps it in the keychain until sign-out).
 */
export function TemplatedSipPassword() {
  const { t } = useTranslation();
  const state = useSipAccountStore((s) => s.state);
  const setPassword = useSipAccountStore((s) => s.setPassword);
  const [password, setValue] = useState('');
  const [message, setMessage] = useState<FeedbackMessage>(null);
  const id = useId();
  const asked = state?.source === 'template' && !!state.account && state.passwordNeeded;
  useEffect(() => {
    if (asked) markSignIn(signInMarks.passwordAsked);
  }, [asked]);
  if (state?.source !== 'template' || !state.account) return null;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (password === '') return;
    if (state.passwordNeeded) markSignIn(signInMarks.passwordAnswered);
    setPassword(password).then(
      () => {
        setValue('');
        setMessage({ kind: 'status', text: t('sipAccount.templateSaved') });
      },
      (error: unknown) => setMessage({ kind: 'error', text: t(errorKey(error)) }),
    );
  };

  return (
    <form className="form-grid" onSubmit={submit} noValidate>
      <p className="hint">{t('sipAccount.templateIntro')}</p>
      <p className="hint">{t('sipAccount.current', { uri: state.account.sipUri })}</p>
      <div className="setting-row">
        <label className="field-label" htmlFor={`${id}-password`}>
          {t('sipAccount.templatePassword')}
        </label>
        <input
          id={`${id}-password`}
          className="text-input"
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(event) => setValue(event.target.value)}
        />
      </div>
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={password === ''}>
          {state.passwordNeeded ? t('sipAccount.templateSave') : t('sipAccount.templateChange')}
        </button>
      </div>
      <Feedback message={message} />
    </form>
  );
}
