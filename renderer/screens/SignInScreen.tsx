import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { SignInMethod } from '../../shared/policy/schema';
import { Icon } from '../components/Icon';
import { ScreenHeading } from '../components/ScreenHeading';
import { useAppStore } from '../state/app-store';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]{2,}$/;

export function SignInScreen() {
  const { t } = useTranslation();
  const policy = useAppStore((s) => s.policy);
  const navigate = useAppStore((s) => s.navigate);
  const [email, setEmail] = useState('');
  const [notice, setNotice] = useState<string | null>(null);
  const methods = policy?.signInMethods ?? [];
  const configured = policy?.provider != null;

  const choose = (method: SignInMethod) =>
    setNotice(t('signIn.notAvailable', { method: t(`signIn.methods.${method}`) }));
  const submitCompany = (event: FormEvent) => {
    event.preventDefault();
    if (EMAIL.test(email)) choose('company');
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
              disabled={!configured}
              onClick={() => choose('google')}
            >
              {t('signIn.google')}
            </button>
          )}
          {methods.includes('apple') && (
            <button
              type="button"
              className="button button-secondary wide"
              disabled={!configured}
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
                disabled={!configured}
                aria-describedby="company-hint"
                onChange={(event) => setEmail(event.target.value)}
              />
              <p id="company-hint" className="hint">
                {t('signIn.companyHint')}
              </p>
              <button
                type="submit"
                className="button button-primary wide"
                disabled={!configured || !EMAIL.test(email)}
              >
                {t('signIn.companyContinue')}
              </button>
            </form>
          )}
          {methods.includes('provider') && (
            <button
              type="button"
              className="button button-secondary wide"
              disabled={!configured}
              onClick={() => choose('provider')}
            >
              {t('signIn.provider')}
            </button>
          )}
        </div>
        {notice && (
          <p className="notice" role="status">
            {notice}
          </p>
        )}
        <button type="button" className="link-button" onClick={() => navigate('phone')}>
          {t('signIn.skip')}
        </button>
      </div>
    </main>
  );
}
