import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SettingsPatch } from '../../shared/settings/settings';
import { dtmfTransports } from '../../shared/settings/settings';
import { Feedback, type FeedbackMessage } from '../components/Feedback';
import { SettingRow } from '../components/SettingRow';
import { errorKey } from '../ipc/client';
import { listAudioDevices, type AudioDevice, type AudioDevices } from '../phone/audio-devices';
import { useAppStore } from '../state/app-store';

/** Device lists, refreshed when devices are plugged in or removed. */
export function useAudioDevices(): AudioDevices {
  const [devices, setDevices] = useState<AudioDevices>({ microphones: [], speakers: [] });
  useEffect(() => {
    const media = navigator.mediaDevices;
    if (!media) return;
    let current = true;
    const refresh = () =>
      void listAudioDevices(media).then((found) => {
        if (current) setDevices(found);
      });
    refresh();
    media.addEventListener('devicechange', refresh);
    return () => {
      current = false;
      media.removeEventListener('devicechange', refresh);
    };
  }, []);
  return devices;
}

function DeviceSelect({
  id,
  value,
  devices,
  onChange,
}: {
  id: string;
  value: string;
  devices: AudioDevice[];
  onChange(id: string): void;
}) {
  const { t } = useTranslation();
  // A remembered device that is unplugged stays selected and is named as missing: plugged in again, it is used.
  const missing = value !== '' && !devices.some((device) => device.id === value);
  return (
    <select id={id} className="select" value={value} onChange={(event) => onChange(event.target.value)}>
      <option value="">{t('settings.audio.systemDefault')}</option>
      {devices.map((device, index) => (
        <option key={device.id} value={device.id}>
          {device.label || t('settings.audio.unnamed', { number: index + 1 })}
        </option>
      ))}
      {missing && <option value={value}>{t('settings.audio.disconnected')}</option>}
    </select>
  );
}

/** Calls and audio: Do Not Disturb, DTMF transport, and the microphone, speaker and ring device. */
export function CallSettingsSection() {
  const { t } = useTranslation();
  const settings = useAppStore((s) => s.settings?.settings);
  const updateSettings = useAppStore((s) => s.updateSettings);
  const devices = useAudioDevices();
  const [message, setMessage] = useState<FeedbackMessage>(null);
  if (!settings) return null;

  const change = (patch: SettingsPatch) => {
    updateSettings(patch).then(
      () => setMessage({ kind: 'status', text: t('settings.saved') }),
      (error: unknown) => setMessage({ kind: 'error', text: t(errorKey(error)) }),
    );
  };

  return (
    <section className="card settings-card" aria-labelledby="settings-calls">
      <h2 id="settings-calls" className="card-title">
        {t('settings.calls.title')}
      </h2>
      <div className="setting-row setting-row-check">
        <input
          id="setting-dnd"
          type="checkbox"
          checked={settings.doNotDisturb}
          aria-describedby="setting-dnd-hint"
          onChange={(event) => change({ doNotDisturb: event.target.checked })}
        />
        <label htmlFor="setting-dnd">{t('settings.calls.doNotDisturb')}</label>
        <p id="setting-dnd-hint" className="hint">
          {t('settings.calls.doNotDisturbHint')}
        </p>
      </div>
      <SettingRow label={t('settings.calls.dtmf')} locked={false}>
        {(id) => (
          <select
            id={id}
            className="select"
            value={settings.dtmfTransport}
            onChange={(event) =>
              change({ dtmfTransport: event.target.value as (typeof dtmfTransports)[number] })
            }
          >
            {dtmfTransports.map((transport) => (
              <option key={transport} value={transport}>
                {t(`settings.calls.dtmfTransports.${transport}`)}
              </option>
            ))}
          </select>
        )}
      </SettingRow>
      <SettingRow label={t('settings.audio.microphone')} locked={false}>
        {(id) => (
          <DeviceSelect
            id={id}
            value={settings.microphoneId}
            devices={devices.microphones}
            onChange={(microphoneId) => change({ microphoneId })}
          />
        )}
      </SettingRow>
      <SettingRow label={t('settings.audio.speaker')} locked={false}>
        {(id) => (
          <DeviceSelect
            id={id}
            value={settings.speakerId}
            devices={devices.speakers}
            onChange={(speakerId) => change({ speakerId })}
          />
        )}
      </SettingRow>
      <SettingRow label={t('settings.audio.ringDevice')} locked={false}>
        {(id) => (
          <DeviceSelect
            id={id}
            value={settings.ringDeviceId}
            devices={devices.speakers}
            onChange={(ringDeviceId) => change({ ringDeviceId })}
          />
        )}
      </SettingRow>
      <Feedback message={message} />
    </section>
  );
}
