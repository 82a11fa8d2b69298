import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { MfaRefusal } from '../../shared/domain/identity';
import type { SignInMethod } from '../../shared/policy/schema';
import { ClockSkewWarning } from '../components/ClockSkewWarning';
import { Icon } from '../components/Icon';
import { ScreenHeading } from '../components/ScreenHeading';
import { useAppStore } from '../state/app-store';
import { usePhoneStore } from '../state/phone-store';
import { useSignInStore } from '../state/sign-in-store';
import { useSipAccountStore } from '../state/sip-account-store';
import { TemplatedSipPassword } from './TemplatedSipPassword';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]{2,}$/;

/**
 * What support needs to tell an IdP's configuration from a person's mistake: what the sign-in showed
 * about its second factor, and what the organisation accepts.
 */
function MfaRefusalDetails({ refusal }: { refusal: MfaRefusal }) {
  const { t } = useTranslation();
  const accepted = [
    refusal.acceptedAmr.length > 0 &&
      t('signIn.mfaEvidence.acceptedAmr', { values: refusal.acceptedAmr.join(', ') }),
    refusal.acceptedAcr.length > 0 &&
      t('signIn.mfaEvidence.acceptedAcr', { values: refusal.acceptedAcr.join(', ') }),
  ].filter((text): text is string => typeof text === 'string');
  return (
    <p className="hint">
      {t('signIn.mfaDetails', {
        amr:
          refusal.amr.length > 0
            ? t('signIn.mfaEvidence.amr', { values: refusal.amr.join(', ') })
            : t('signIn.mfaEvidence.noAmr'),
        acr:
          refusal.acr !== null
            ? t('signIn.mfaEvidence.acr', { value: refusal.acr })
            : t('signIn.mfaEvidence.noAcr'),
        accepted: accepted.join(t('signIn.mfaEvidence.or')) || t('signIn.mfaEvidence.nothing'),
      })}
    </p>
  );
}

export function SignInScreen() {
  const { t } = useTranslation();
  const policy = useAppStore((s) => s.policy);
  const navigate = useAppStore((s) => s.navigate);
  const signIn = useSignInStore((s) => s.state);
  const requestError = useSignInStore((s) => s.requestError);
  const start = useSignInStore((s) => s.start);
  const cancel = useSignInStore((s) => s.cancel);
  const registered = usePhoneStore((s) => s.registration.state === 'registered');
  const passwordNeeded = useSipAccountStore((s) => s.state?.source === 'template' && s.state.passwordNeeded);
  const [email, setEmail] = useState('');
  const cancelButton = useRef<HTMLButtonElement>(null);
  const methods = policy?.signInMethods ?? [];
  const configured = policy?.provider != null;
  const inProgress = signIn.status === 'in-progress';
  const disabled = !configured || inProgress;

  // Signed in and registered with the provisioned account: on to the phone.
  useEffect(() => {
    if (signIn.status === 'signed-in' && registered) navigate('phone');
  }, [signIn.status, registered, navigate]);
  // While the browser is open, the way back is the Cancel button: focus goes there.
  useEffect(() => {
    if (inProgress) cancelButton.current?.focus();
  }, [inProgress]);

  const choose = (method: SignInMethod) => void start({ method });
  const submitCompany = (event: FormEvent) => {
    event.preventDefault();
    if (EMAIL.test(email)) void start({ method: 'company', email: email.trim() });
  };

  return (
    <main className="signin">
      <div className="signin-card card">
        <span className="brand-mark large">
          <Icon name="shield" size={32} />
        </span>
        <ScreenHeading>{t('signIn.title')}</ScreenHeading>
        <p className="muted">{t('signIn.subtitle')}</p>
        {!configured && (
          <p className="notice" role="status">
            {t('signIn.noProvider')}
          </p>
        )}
        <div className="signin-methods">
          {methods.includes('google') && (
            <button
              type="button"
              className="button button-secondary wide"
              disabled={disabled}
              onClick={() => choose('google')}
            >
              {t('signIn.google')}
            </button>
          )}
          {methods.includes('apple') && (
            <button
              type="button"
              className="button button-secondary wide"
              disabled={disabled}
              onClick={() => choose('apple')}
            >
              {t('signIn.apple')}
            </button>
          )}
          {methods.includes('company') && (
            <form className="company-form" onSubmit={submitCompany} noValidate>
              <label className="field-label" htmlFor="company-email">
                {t('signIn.companyEmail')}
              </label>
              <input
                id="company-email"
                type="email"
                className="text-input"
                autoComplete="email"
                value={email}
                disabled={disabled}
                aria-describedby="company-hint"
                onChange={(event) => setEmail(event.target.value)}
              />
              <p id="company-hint" className="hint">
                {t('signIn.companyHint')}
              </p>
              <button
                type="submit"
                className="button button-primary wide"
                disabled={disabled || !EMAIL.test(email)}
              >
                {t('signIn.companyContinue')}
              </button>
            </form>
          )}
          {methods.includes('provider') && (
            <button
              type="button"
              className="button button-secondary wide"
              disabled={disabled}
              onClick={() => choose('provider')}
            >
              {t('signIn.provider')}
            </button>
          )}
        </div>
        {inProgress && (
          <div className="signin-progress">
            <p className="notice" role="status">
              {t('signIn.inProgress', { method: t(`signIn.methods.${signIn.method}`) })}
            </p>
            <button
              ref={cancelButton}
              type="button"
              className="button button-secondary wide"
              onClick={() => void cancel()}
            >
              {t('signIn.cancel')}
            </button>
          </div>
        )}
        {signIn.status === 'signed-in' && (
          <p className="notice" role="status">
            {t('signIn.connecting', { name: signIn.user.name || signIn.user.email })}
          </p>
        )}
        {signIn.status === 'signed-in' && passwordNeeded && <TemplatedSipPassword />}
        {signIn.status === 'error' && (
          <div className="feedback feedback-error" role="alert">
            <p>{t(`signIn.errors.${signIn.reason}`)}</p>
            {signIn.mfa && <MfaRefusalDetails refusal={signIn.mfa} />}
          </div>
        )}
        {signIn.status === 'signed-out' && signIn.ended && (
          <p className="notice" role="status">
            {t(`signIn.ended.${signIn.ended}`)}
          </p>
        )}
        <ClockSkewWarning />
        {requestError && (
          <p className="feedback feedback-error" role="alert">
            {t(requestError)}
          </p>
        )}
        {(policy?.allowManualSipAccount ?? true) && signIn.status !== 'signed-in' && (
          <button type="button" className="link-button" onClick={() => navigate('phone')}>
            {t('signIn.skip')}
          </button>
        )}
      </div>
    </main>
  );
}
