import { useState, type FormEvent } from 'react';
import { Feedback, type FeedbackMessage } from '../components/Feedback';
import { LockedHint } from '../components/LockedHint';
import { useTranslation } from 'react-i18next';
import { SaveSipAccount } from '../../shared/domain/sip-account';
import { errorKey } from '../ipc/client';
import { takeRestoredNotice } from '../state/connect-reload';
import { useSipAccountStore } from '../state/sip-account-store';
import { TemplatedSipPassword } from './TemplatedSipPassword';

const fields = ['displayName', 'sipUri', 'authorizationUser', 'password', 'wssUrl', 'realm'] as const;
type Field = (typeof fields)[number];
type Values = Record<Field, string>;
const validated = new Set<Field>(['sipUri', 'authorizationUser', 'password', 'wssUrl']);

/** Manual SIP account: validated here for quick feedback and again in main; the password goes to main only. */
export function SipAccountForm() {
  const { t } = useTranslation();
  const state = useSipAccountStore((s) => s.state);
  const save = useSipAccountStore((s) => s.save);
  const remove = useSipAccountStore((s) => s.remove);
  const account = state?.account ?? null;
  const [values, setValues] = useState<Values>({
    displayName: account?.displayName ?? '',
    sipUri: account?.sipUri ?? '',
    authorizationUser: account?.authorizationUser ?? '',
    password: '',
    wssUrl: account?.wssUrl ?? '',
    realm: account?.realm ?? '',
  });
  const [invalid, setInvalid] = useState<Field[]>([]);
  // Saving an account on another server reloads the page (renderer/state/connect-reload.ts): said again here.
  const [message, setMessage] = useState<FeedbackMessage>(() =>
    takeRestoredNotice('sipAccount.saved') ? { kind: 'status', text: t('sipAccount.saved') } : null,
  );

  if (state?.source === 'provisioned') {
    return (
      <section className="card settings-card" aria-labelledby="sip-account-title">
        <h2 id="sip-account-title" className="card-title">
          {t('sipAccount.title')}
        </h2>
        <p className="hint">{t('account.provisioned')}</p>
        {account && <p className="hint">{t('sipAccount.current', { uri: account.sipUri })}</p>}
      </section>
    );
  }

  if (state?.source === 'template') {
    return (
      <section className="card settings-card" aria-labelledby="sip-account-title">
        <h2 id="sip-account-title" className="card-title">
          {t('sipAccount.title')}
        </h2>
        <TemplatedSipPassword />
      </section>
    );
  }

  if (state && !state.manualAllowed) {
    return (
      <section className="card settings-card" aria-labelledby="sip-account-title">
        <h2 id="sip-account-title" className="card-title">
          {t('sipAccount.title')}
        </h2>
        <LockedHint>{t('sipAccount.forbidden')}</LockedHint>
      </section>
    );
  }

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const { realm, ...rest } = values;
    const parsed = SaveSipAccount.safeParse({ ...rest, ...(realm.trim() && { realm }) });
    if (!parsed.success) {
      setInvalid(
        parsed.error.issues.map((issue) => issue.path[0] as Field).filter((field) => validated.has(field)),
      );
      setMessage(null);
      return;
    }
    setInvalid([]);
    save(parsed.data).then(
      () => {
        setValues((current) => ({ ...current, password: '' }));
        setMessage({ kind: 'status', text: t('sipAccount.saved') });
      },
      (error: unknown) => setMessage({ kind: 'error', text: t(errorKey(error)) }),
    );
  };

  return (
    <section className="card settings-card" aria-labelledby="sip-account-title">
      <h2 id="sip-account-title" className="card-title">
        {t('sipAccount.title')}
      </h2>
      <p className="hint">{t('sipAccount.intro')}</p>
      {account && <p className="hint">{t('sipAccount.current', { uri: account.sipUri })}</p>}
      <form className="form-grid" onSubmit={submit} noValidate>
        {fields.map((field) => (
          <div className="setting-row" key={field}>
            <label className="field-label" htmlFor={`sip-${field}`}>
              {t(`sipAccount.${field}`)}
            </label>
            <input
              id={`sip-${field}`}
              className="text-input"
              type={field === 'password' ? 'password' : 'text'}
              autoComplete={field === 'password' ? 'new-password' : 'off'}
              spellCheck={false}
              value={values[field]}
              aria-invalid={invalid.includes(field)}
              aria-describedby={invalid.includes(field) ? `sip-${field}-error` : undefined}
              onChange={(event) => setValues((current) => ({ ...current, [field]: event.target.value }))}
            />
            {invalid.includes(field) && (
              <p id={`sip-${field}-error`} className="feedback feedback-error">
                {t(`sipAccount.invalid.${field as 'sipUri' | 'authorizationUser' | 'password' | 'wssUrl'}`)}
              </p>
            )}
          </div>
        ))}
        <div className="form-actions">
          <button type="submit" className="button button-primary">
            {t('sipAccount.save')}
          </button>
          {account && (
            <button
              type="button"
              className="button button-secondary"
              onClick={() =>
                remove().then(
                  () => setMessage({ kind: 'status', text: t('sipAccount.removed') }),
                  (error: unknown) => setMessage({ kind: 'error', text: t(errorKey(error)) }),
                )
              }
            >
              {t('sipAccount.remove')}
            </button>
          )}
        </div>
        <Feedback message={message} />
      </form>
    </section>
  );
}
