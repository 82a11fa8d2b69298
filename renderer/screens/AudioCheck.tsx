import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ringtones, type Ringtone, type SettingsPatch } from '../../shared/settings/settings';
import { startLevelMeter, type LevelMeter } from '../audio/level-meter';
import { playTestSound } from '../audio/test-sound';
import { Feedback, type FeedbackMessage } from '../components/Feedback';
import { errorKey } from '../ipc/client';
import { MicrophoneError, type AudioDevice } from '../phone/audio-devices';
import { TonePlayer } from '../phone/tones';
import { useAppStore } from '../state/app-store';
import { useAudioDevices } from './CallSettingsSection';

/** The device's name for a device id ('' is the system default). */
function useDeviceName(): (id: string, devices: AudioDevice[]) => string {
  const { t } = useTranslation();
  return (id, devices) =>
    devices.find((device) => device.id === id)?.label || t('settings.audio.systemDefault');
}

/** The chosen microphone's level while the test runs; it stops when the screen closes or another is chosen. */
function MicrophoneTest({ microphoneId }: { microphoneId: string }) {
  const { t } = useTranslation();
  const [level, setLevel] = useState(0);
  const [running, setRunning] = useState<{ label: string } | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const meter = useRef<LevelMeter | null>(null);
  const levelId = useId();

  const stop = () => {
    meter.current?.stop();
    meter.current = null;
    setRunning(null);
    setLevel(0);
  };
  useEffect(() => stop, []);

  async function start() {
    setProblem(null);
    try {
      meter.current = await startLevelMeter(microphoneId, setLevel);
      setRunning({ label: meter.current.label });
    } catch (error) {
      stop();
      setProblem(
        error instanceof MicrophoneError ? t(`call.problems.${error.problem}`) : t('errors.internal'),
      );
    }
  }

  return (
    <div className="audio-check-row">
      <button
        type="button"
        className="button button-secondary"
        aria-pressed={running !== null}
        onClick={() => (running ? stop() : void start())}
      >
        {t('settings.audioCheck.microphone')}
      </button>
      <div className="audio-check-result">
        <span id={levelId} className="hint">
          {running
            ? t('settings.audioCheck.speakNow', { name: running.label || t('settings.audio.systemDefault') })
            : t('settings.audioCheck.microphoneHint')}
        </span>
        <div
          className="level-meter"
          role="meter"
          aria-labelledby={levelId}
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={level}
          aria-valuetext={t('settings.audioCheck.level', { level })}
        >
          <span className="level-meter-bar" style={{ width: `${level}%` }} />
        </div>
      </div>
      {problem && <Feedback message={{ kind: 'error', text: problem }} />}
    </div>
  );
}

/** A test sound on the chosen speaker. */
function SpeakerTest() {
  const { t } = useTranslation();
  const speakerId = useAppStore((s) => s.settings?.settings.speakerId ?? '');
  const { speakers } = useAudioDevices();
  const deviceName = useDeviceName();
  const [state, setState] = useState<'idle' | 'playing' | 'played'>('idle');
  const name = deviceName(speakerId, speakers);
  return (
    <div className="audio-check-row">
      <button
        type="button"
        className="button button-secondary"
        disabled={state === 'playing'}
        onClick={() => {
          setState('playing');
          void playTestSound(speakerId).finally(() => setState('played'));
        }}
      >
        {t('settings.audioCheck.speaker')}
      </button>
      <p className="hint audio-check-result" role="status">
        {state === 'playing'
          ? t('settings.audioCheck.playingOn', { name })
          : state === 'played'
            ? t('settings.audioCheck.heard', { name })
            : t('settings.audioCheck.speakerHint', { name })}
      </p>
    </div>
  );
}

/** Ringtone and its volume, with a preview on the ring device that stops when asked or when leaving. */
function RingtoneChoice() {
  const { t } = useTranslation();
  const settings = useAppStore((s) => s.settings?.settings);
  const updateSettings = useAppStore((s) => s.updateSettings);
  const [message, setMessage] = useState<FeedbackMessage>(null);
  const [previewing, setPreviewing] = useState(false);
  const player = useRef<TonePlayer | null>(null);
  const ids = { ringtone: useId(), volume: useId() };

  useEffect(() => () => player.current?.close(), []);
  const ringtone = settings?.ringtone ?? 'classic';
  const volume = settings?.ringVolume ?? 80;
  const ringDeviceId = settings?.ringDeviceId ?? '';
  // The preview follows the choice while it plays.
  useEffect(() => {
    if (previewing) void player.current?.play('ringtone', ringDeviceId, { ringtone, volume });
  }, [previewing, ringtone, volume, ringDeviceId]);

  const change = (patch: SettingsPatch) =>
    updateSettings(patch).then(
      () => setMessage(null),
      (error: unknown) => setMessage({ kind: 'error', text: t(errorKey(error)) }),
    );
  const togglePreview = () => {
    if (previewing) player.current?.stop();
    else player.current ??= new TonePlayer();
    setPreviewing(!previewing);
  };

  return (
    <div className="audio-check-row audio-check-ringtone">
      <div className="setting-row">
        <label className="field-label" htmlFor={ids.ringtone}>
          {t('settings.audioCheck.ringtone')}
        </label>
        <select
          id={ids.ringtone}
          className="select"
          value={ringtone}
          onChange={(event) => void change({ ringtone: event.target.value as Ringtone })}
        >
          {ringtones.map((name) => (
            <option key={name} value={name}>
              {t(`settings.audioCheck.ringtones.${name}`)}
            </option>
          ))}
        </select>
      </div>
      <div className="setting-row">
        <label className="field-label" htmlFor={ids.volume}>
          {t('settings.audioCheck.volume')}
        </label>
        <div className="volume-row">
          <input
            id={ids.volume}
            type="range"
            min={0}
            max={100}
            step={5}
            value={volume}
            aria-valuetext={`${volume} %`}
            onChange={(event) => void change({ ringVolume: Number(event.target.value) })}
          />
          <span className="volume-value" aria-hidden="true">
            {volume} %
          </span>
        </div>
      </div>
      <button
        type="button"
        className="button button-secondary"
        aria-pressed={previewing}
        onClick={togglePreview}
      >
        {t('settings.audioCheck.preview')}
      </button>
      <Feedback message={message} />
    </div>
  );
}

/** Settings › Audio check: does the microphone hear you, does the speaker play, how does it ring. */
export function AudioCheck() {
  const { t } = useTranslation();
  const microphoneId = useAppStore((s) => s.settings?.settings.microphoneId ?? '');
  return (
    <section className="card settings-card audio-check" aria-labelledby="settings-audio-check">
      <h2 id="settings-audio-check" className="card-title">
        {t('settings.audioCheck.title')}
      </h2>
      <MicrophoneTest key={microphoneId} microphoneId={microphoneId} />
      <SpeakerTest />
      <RingtoneChoice />
    </section>
  );
}
