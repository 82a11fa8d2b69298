import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { CallDock } from './components/CallDock';
import { Sidebar } from './components/Sidebar';
import { chooseLanguage } from './i18n/language';
import { applyLanguage } from './i18n/i18n';
import { ContactsScreen } from './screens/ContactsScreen';
import { HistoryScreen } from './screens/HistoryScreen';
import { PhoneScreen } from './screens/PhoneScreen';
import { SettingsScreen } from './screens/SettingsScreen';
import { SignInScreen } from './screens/SignInScreen';
import { useAppStore } from './state/app-store';
import { useHistoryStore } from './state/history-store';
import { usePhoneStore } from './state/phone-store';
import { useSipAccountStore } from './state/sip-account-store';

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
  useLanguageAndTheme();

  useEffect(() => {
    void useAppStore
      .getState()
      .start()
      .then(() => {
        if (useAppStore.getState().load.status !== 'ready') return;
        return Promise.all([
          useSipAccountStore.getState().load(),
          usePhoneStore.getState().connect(),
          useHistoryStore.getState().watch(),
        ]);
      });
  }, []);

  useEffect(() => {
    document.title = t('app.name');
  }, [t]);

  if (load.status === 'no-bridge')
    return <StartupMessage title={t('app.bridgeMissing.title')} body={t('app.bridgeMissing.body')} />;
  if (load.status === 'failed') return <StartupMessage title={t('app.loadFailed')} body={t(load.errorKey)} />;
  if (load.status === 'loading') return <StartupMessage title={t('app.loading')} />;
  if (screen === 'signIn') return <SignInScreen />;

  return (
    <div className="layout">
      <Sidebar />
      <main className="content">
        <CallDock />
        {screen === 'phone' && <PhoneScreen />}
        {screen === 'history' && <HistoryScreen />}
        {screen === 'contacts' && <ContactsScreen />}
        {screen === 'settings' && <SettingsScreen />}
      </main>
    </div>
  );
}
