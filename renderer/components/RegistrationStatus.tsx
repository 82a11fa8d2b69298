import { useTranslation } from 'react-i18next';
import { useAppStore } from '../state/app-store';
import { usePhoneStore } from '../state/phone-store';
import { Icon } from './Icon';

/**
 * The phone's connection state; errors say what is wrong, not only that something is. Do Not Disturb shows
 * beside it (a moon, also in the narrow sidebar), as the tray icon shows it.
 */
export function RegistrationIndicator() {
  const { t } = useTranslation();
  const status = usePhoneStore((s) => s.registration);
  const doNotDisturb = useAppStore((s) => s.settings?.settings.doNotDisturb ?? false);
  const line =
    status.state === 'error'
      ? t(`phone.registrationErrors.${status.error}`)
      : t(`phone.status.${status.state}`);
  const text = doNotDisturb ? `${line} · ${t('settings.calls.doNotDisturb')}` : line;
  return (
    <p className={`registration registration-${status.state}`} role="status" aria-live="polite" title={text}>
      <span className="registration-dot" aria-hidden="true" />
      {doNotDisturb && (
        <span className="registration-dnd" aria-hidden="true">
          <Icon name="moon" size={14} />
        </span>
      )}
      <span className="registration-text narrow-hidden">{text}</span>
    </p>
  );
}
