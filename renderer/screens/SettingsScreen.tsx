import { getCountryCallingCode, type CountryCode } from 'libphonenumber-js/min';
import { Feedback, type FeedbackMessage } from '../components/Feedback';
import { SettingRow } from '../components/SettingRow';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  themePreferences,
  type languagePreferences,
  type SettingKey,
  type SettingsPatch,
} from '../../shared/settings/settings';
import { ScreenHeading } from '../components/ScreenHeading';
import { errorKey } from '../ipc/client';
import { useAppStore } from '../state/app-store';
import { AccountSection } from './AccountSection';
import { AudioCheck } from './AudioCheck';
import { CallSettingsSection } from './CallSettingsSection';
import { DataRightsSection } from './DataRightsSection';
import { DesktopSection } from './DesktopSection';
import { ProxySection } from './ProxySection';
import { SipAccountForm } from './SipAccountForm';
import { UpdatesSection } from './UpdatesSection';

const countries = [
  'DE',
  'AT',
  'CH',
  'FR',
  'IT',
  'NL',
  'BE',
  'LU',
  'ES',
  'PT',
  'PL',
  'CZ',
  'DK',
  'SE',
  'NO',
  'FI',
  'IE',
  'GB',
  'US',
];

export function SettingsScreen() {
  const { t, i18n } = useTranslation();
  const state = useAppStore((s) => s.settings);
  const info = useAppStore((s) => s.info);
  const updateSettings = useAppStore((s) => s.updateSettings);
  const [message, setMessage] = useState<FeedbackMessage>(null);
  if (!state) return null;
  const { settings, locked } = state;
  const isLocked = (key: SettingKey) => locked.includes(key);
  const regionNames = new Intl.DisplayNames([i18n.language], { type: 'region' });

  const change = (patch: SettingsPatch) => {
    updateSettings(patch).then(
      () => setMessage({ kind: 'status', text: t('settings.saved') }),
      (error: unknown) => setMessage({ kind: 'error', text: t(errorKey(error)) }),
    );
  };

  return (
    <section className="screen">
      <header className="screen-header">
        <ScreenHeading>{t('settings.title')}</ScreenHeading>
      </header>
      <div className="settings-grid">
        <section className="card settings-card" aria-labelledby="settings-general">
          <h2 id="settings-general" className="card-title">
            {t('settings.general')}
          </h2>
          <SettingRow label={t('settings.language')} locked={isLocked('language')}>
            {(id) => (
              <select
                id={id}
                className="select"
                value={settings.language}
                disabled={isLocked('language')}
                onChange={(event) =>
                  change({ language: event.target.value as (typeof languagePreferences)[number] })
                }
              >
                <option value="system">{t('settings.languageSystem')}</option>
                <option value="de" lang="de">
                  Deutsch
                </option>
                <option value="en" lang="en">
                  English
                </option>
              </select>
            )}
          </SettingRow>
          <SettingRow label={t('settings.theme')} locked={false}>
            {(id) => (
              <select
                id={id}
                className="select"
                value={settings.theme}
                onChange={(event) =>
                  change({ theme: event.target.value as (typeof themePreferences)[number] })
                }
              >
                {themePreferences.map((theme) => (
                  <option key={theme} value={theme}>
                    {t(`settings.themes.${theme}`)}
                  </option>
                ))}
              </select>
            )}
          </SettingRow>
          <SettingRow label={t('settings.country')} locked={isLocked('defaultCountry')}>
            {(id) => (
              <select
                id={id}
                className="select"
                value={settings.defaultCountry}
                disabled={isLocked('defaultCountry')}
                onChange={(event) => change({ defaultCountry: event.target.value })}
              >
                {(countries.includes(settings.defaultCountry)
                  ? countries
                  : [settings.defaultCountry, ...countries]
                ).map((code) => (
                  <option key={code} value={code}>
                    {regionNames.of(code) ?? code} (+{getCountryCallingCode(code as CountryCode)})
                  </option>
                ))}
              </select>
            )}
          </SettingRow>
          <Feedback message={message} />
        </section>
        <AccountSection />
        <SipAccountForm />
        <CallSettingsSection />
        <DesktopSection />
        <AudioCheck />
        <DataRightsSection />
        <UpdatesSection />
        <ProxySection />
        <section className="card settings-card" aria-labelledby="settings-about">
          <h2 id="settings-about" className="card-title">
            {t('settings.about')}
          </h2>
          {info && (
            <dl className="about-list">
              <dt>{t('settings.version')}</dt>
              <dd>
                {info.name} {info.version}
              </dd>
              <dt>{t('settings.runtime')}</dt>
              <dd>{t(`settings.runtimes.${info.runtime}`)}</dd>
            </dl>
          )}
        </section>
      </div>
    </section>
  );
}
