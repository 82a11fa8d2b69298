import { useTranslation } from 'react-i18next';
import { CLOCK_SKEW_WARNING_SECONDS } from '../../shared/domain/identity';
import { useSignInStore } from '../state/sign-in-store';

/** Warns when this computer's clock is more than a minute off the provider's (TOTP and tokens need it right). */
export function ClockSkewWarning() {
  const { t } = useTranslation();
  const seconds = useSignInStore((s) => s.clockSkew);
  if (seconds === null || Math.abs(seconds) <= CLOCK_SKEW_WARNING_SECONDS) return null;
  return (
    <p className="feedback feedback-error" role="alert">
      {t('signIn.clockSkew', { count: Math.max(1, Math.round(Math.abs(seconds) / 60)) })}
    </p>
  );
}
