import { useTranslation } from 'react-i18next';
import { useAppStore } from '../state/app-store';
import { useHistoryStore } from '../state/history-store';
import { useSessionLockStore } from '../state/session-lock-store';
import type { Screen } from '../state/screens';
import { useIsAdmin, useSignInStore } from '../state/sign-in-store';
import { Icon, type IconName } from './Icon';
import { RegistrationIndicator } from './RegistrationStatus';
import { useShortcutsOverlay } from './ShortcutsOverlay';

const items: Array<{ screen: Exclude<Screen, 'signIn'>; icon: IconName }> = [
  { screen: 'phone', icon: 'phone' },
  { screen: 'history', icon: 'history' },
  { screen: 'contacts', icon: 'contacts' },
  { screen: 'settings', icon: 'settings' },
  { screen: 'security', icon: 'shield' },
  // Administrators only: the role comes from the ID token.
  { screen: 'policy', icon: 'shield' },
  { screen: 'audit', icon: 'lock' },
];

/** Screens for administrators only (the `admin` role of the ID token). */
const adminOnly: ReadonlySet<Screen> = new Set(['policy', 'audit']);

export function Sidebar() {
  const { t } = useTranslation();
  const screen = useAppStore((s) => s.screen);
  const navigate = useAppStore((s) => s.navigate);
  const missed = useHistoryStore((s) => s.missed);
  const admin = useIsAdmin();
  const signedIn = useSignInStore((s) => s.state.status === 'signed-in');
  const lock = useSessionLockStore((s) => s.lock);
  const showShortcuts = useShortcutsOverlay((s) => s.setOpen);
  return (
    <nav className="sidebar" aria-label={t('nav.label')}>
      <div className="brand">
        <span className="brand-mark">
          <Icon name="shield" size={22} />
        </span>
        <span className="brand-name narrow-hidden">{t('app.name')}</span>
      </div>
      <ul className="nav-list">
        {items
          .filter((item) => !adminOnly.has(item.screen) || admin)
          .map((item) => (
            <li key={item.screen}>
              <a
                href={`#${item.screen}`}
                className="nav-item"
                aria-current={screen === item.screen ? 'page' : undefined}
                onClick={(event) => {
                  event.preventDefault();
                  navigate(item.screen);
                }}
              >
                <Icon name={item.icon} />
                <span className="nav-label narrow-hidden">{t(`nav.${item.screen}`)}</span>
                {item.screen === 'history' && missed > 0 && (
                  <span className="badge" aria-label={t('nav.missedCalls', { count: missed })}>
                    {missed}
                  </span>
                )}
              </a>
            </li>
          ))}
      </ul>
      <div className="nav-footer">
        <RegistrationIndicator />
      </div>
      <button
        type="button"
        className="nav-item"
        aria-keyshortcuts="Shift+?"
        onClick={() => showShortcuts(true)}
      >
        <Icon name="keyboard" />
        <span className="nav-label narrow-hidden">{t('shortcuts.title')}</span>
      </button>
      {signedIn && (
        <button type="button" className="nav-item" onClick={() => void lock()}>
          <Icon name="lock" />
          <span className="nav-label narrow-hidden">{t('lock.lockNow')}</span>
        </button>
      )}
      {/* Signed in, the account and "Sign out" are in Settings. */}
      {!signedIn && (
        <a
          href="#signIn"
          className="nav-item"
          onClick={(event) => {
            event.preventDefault();
            navigate('signIn');
          }}
        >
          <Icon name="signIn" />
          <span className="nav-label narrow-hidden">{t('nav.signIn')}</span>
        </a>
      )}
    </nav>
  );
}
