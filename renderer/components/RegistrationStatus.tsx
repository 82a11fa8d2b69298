import { useTranslation } from 'react-i18next';
import { usePhoneStore } from '../state/phone-store';

/** The phone's connection state; errors say what is wrong, not only that something is. */
export function RegistrationIndicator() {
  const { t } = useTranslation();
  const status = usePhoneStore((s) => s.registration);
  const text =
    status.state === 'error'
      ? t(`phone.registrationErrors.${status.error}`)
      : t(`phone.status.${status.state}`);
  return (
    <p className={`registration registration-${status.state}`} role="status" aria-live="polite">
      <span className="registration-dot" aria-hidden="true" />
      <span className="registration-text narrow-hidden">{text}</span>
    </p>
  );
}
