import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { CallAnnouncer } from './components/CallAnnouncer';
import { CallDock } from './components/CallDock';
import { ProviderStatusBanner } from './components/ProviderStatusBanner';
import { ProxySignIn } from './components/ProxySignIn';
import { ShortcutsOverlay } from './components/ShortcutsOverlay';
import { Sidebar } from './components/Sidebar';
import { useCallShortcuts } from './components/use-call-shortcuts';
import { chooseLanguage } from './i18n/language';
import { applyLanguage } from './i18n/i18n';
import { AuditScreen } from './screens/AuditScreen';
import { ContactsScreen } from './screens/ContactsScreen';
import { HistoryScreen } from './screens/HistoryScreen';
import { KeychainUnavailableScreen } from './screens/KeychainUnavailableScreen';
import { LockScreen } from './screens/LockScreen';
import { PhoneScreen } from './screens/PhoneScreen';
import { PolicyScreen } from './screens/PolicyScreen';
import { SecurityScreen } from './screens/SecurityScreen';
import { SettingsScreen } from './screens/SettingsScreen';
import { SignInScreen } from './screens/SignInScreen';
import { StorageProblem } from './screens/StorageProblem';
import { call, hasBridge } from './ipc/client';
import { useAppStore } from './state/app-store';
import { useHistoryStore } from './state/history-store';
import { usePhoneStore } from './state/phone-store';
import { watchProviderStatus } from './state/provider-status-store';
import { untilUnlocked, useSessionLockStore, watchActivity } from './state/session-lock-store';
import { useSignInStore } from './state/sign-in-store';
import { useSipAccountStore } from './state/sip-account-store';
import { useStorageStore } from './state/storage-store';

function useLanguageAndTheme() {
  const settings = useAppStore((s) => s.settings?.settings);
  const policyLanguage = useAppStore((s) => s.policy?.language ?? null);
  const systemLocale = useAppStore((s) => s.info?.systemLocale ?? navigator.language);
  useEffect(() => {
    applyLanguage(chooseLanguage(settings?.language ?? 'system', policyLanguage, systemLocale));
  }, [settings?.language, policyLanguage, systemLocale]);
  useEffect(() => {
    const theme = settings?.theme ?? 'system';
    if (theme === 'system') delete document.documentElement.dataset.theme;
    else document.documentElement.dataset.theme = theme;
  }, [settings?.theme]);
}

function StartupMessage({ title, body }: { title: string; body?: string }) {
  return (
    <main className="startup">
      <div className="card startup-card" role={body ? 'alert' : 'status'}>
        <h1 className="screen-title">{title}</h1>
        {body && <p className="muted">{body}</p>}
      </div>
    </main>
  );
}

export function App() {
  const { t } = useTranslation();
  const load = useAppStore((s) => s.load);
  const screen = useAppStore((s) => s.screen);
  const storage = useStorageStore((s) => s.status);
  const storageLoadError = useStorageStore((s) => s.loadError);
  const locked = useSessionLockStore((s) => s.locked);
  // The call panel shows with a call, and with the notice of why one ended.
  const hasCalls = usePhoneStore((s) => s.calls.some((view) => view.state !== 'ended') || s.ended.length > 0);
  useLanguageAndTheme();
  useCallShortcuts();

  useEffect(() => {
    void (async () => {
      // The lock is main's and outlives a reload: while locked, main answers the lock screen only.
      if (hasBridge()) {
        await useSessionLockStore.getState().load();
        await untilUnlocked();
      }
      await useAppStore.getState().start();
      if (useAppStore.getState().load.status !== 'ready') return;
      await useStorageStore.getState().load();
    })();
  }, []);

  // Accounts, phone and history need the keychain: they start once it is usable (at once, or after
  // "Try again" on the keychain screen), and only once.
  const keychainUsable = storage !== null && storage.state !== 'keychain-unavailable';
  const sessionStarted = useRef(false);
  useEffect(() => {
    if (!keychainUsable || sessionStarted.current) return;
    sessionStarted.current = true;
    void Promise.all([
      useSipAccountStore.getState().load(),
      useSignInStore.getState().load(),
      useSessionLockStore.getState().load(),
      usePhoneStore.getState().connect(),
      useHistoryStore.getState().watch(),
    ]);
  }, [keychainUsable]);

  useEffect(() => {
    document.title = t('app.name');
  }, [t]);

  // Input in the window keeps the session unlocked (main counts the idle time; throttled).
  useEffect(() => {
    if (load.status !== 'ready') return;
    return watchActivity();
  }, [load.status]);

  // The network is back: main sends what waited (the audit log to the provider) without its back-off.
  useEffect(() => {
    if (load.status !== 'ready') return;
    const online = () => void call('network.online', undefined).catch(() => undefined);
    window.addEventListener('online', online);
    return () => window.removeEventListener('online', online);
  }, [load.status]);

  // The provider's status page: main reads it; the banner shows incidents and maintenance.
  useEffect(() => {
    if (load.status !== 'ready') return;
    return watchProviderStatus();
  }, [load.status]);

  if (load.status === 'no-bridge')
    return <StartupMessage title={t('app.bridgeMissing.title')} body={t('app.bridgeMissing.body')} />;
  // Locked (idle, OS lock, sleep): nothing personal shows until main unlocks.
  if (locked)
    return (
      <>
        <LockScreen />
        <CallAnnouncer hideCaller />
      </>
    );
  if (load.status === 'failed') return <StartupMessage title={t('app.loadFailed')} body={t(load.errorKey)} />;
  if (storageLoadError) return <StartupMessage title={t('app.loadFailed')} body={t(storageLoadError)} />;
  if (load.status === 'loading' || storage === null) return <StartupMessage title={t('app.loading')} />;
  if (storage.state === 'keychain-unavailable') return <KeychainUnavailableScreen />;
  // Screens that need the encrypted database give way to the explanation and the choices.
  const storageProblem = storage.state === 'error';
  const page =
    screen === 'signIn' ? (
      <SignInScreen />
    ) : (
      <div className="layout">
        <Sidebar />
        <main className="content">
          <ProviderStatusBanner />
          {screen === 'phone' && <PhoneScreen />}
          {screen === 'history' && (storageProblem ? <StorageProblem /> : <HistoryScreen />)}
          {screen === 'contacts' && (storageProblem ? <StorageProblem /> : <ContactsScreen />)}
          {screen === 'settings' && <SettingsScreen />}
          {screen === 'security' && <SecurityScreen />}
          {screen === 'policy' && <PolicyScreen />}
          {screen === 'audit' && (storageProblem ? <StorageProblem /> : <AuditScreen />)}
        </main>
      </div>
    );

  // The call panel sits beside every screen, sign-in included, and never scrolls with it.
  return (
    <div className={`app-frame ${hasCalls ? 'with-calls' : ''}`}>
      {page}
      {/* The company proxy may ask for a sign-in on the way to the provider: above any screen. */}
      <ProxySignIn />
      <CallDock />
      <CallAnnouncer hideCaller={false} />
      <ShortcutsOverlay />
    </div>
  );
}
