import { z } from 'zod';
import { describeIssue } from '../policy/problems.js';

export const languagePreferences = ['system', 'de', 'en'] as const;
export const themePreferences = ['system', 'light', 'dark'] as const;

/** ISO 3166-1 alpha-2 region used to read national numbers, e.g. "DE". */
export const CountryCode = z.string().regex(/^[A-Z]{2}$/, describeIssue({ code: 'country-code' }));

export const dtmfTransports = ['rfc4733', 'info'] as const;
/** Ringtones the app synthesises (renderer/phone/tones.ts). */
export const ringtones = ['classic', 'soft', 'chime', 'digital'] as const;
export type Ringtone = (typeof ringtones)[number];
const deviceId = z.string().max(256);

/** User preferences: no personal data and no secrets, ever (they live in the encrypted database or keychain). */
export const Settings = z
  .object({
    language: z.enum(languagePreferences),
    theme: z.enum(themePreferences),
    defaultCountry: CountryCode,
    /** Incoming calls are refused with 486 Busy Here and appear in History as missed. */
    doNotDisturb: z.boolean(),
    /** RFC 4733 telephone-events in the media stream, or SIP INFO where a provider's IVR needs it. */
    dtmfTransport: z.enum(dtmfTransports),
    /** Audio devices by the browser's device id on this computer; '' is the system default. */
    microphoneId: deviceId,
    speakerId: deviceId,
    ringDeviceId: deviceId,
    /** Closing the window keeps the app running in the tray (policy `runInBackground` can fix it). */
    runInBackground: z.boolean(),
    /** Start in the background when the person signs in to the computer (policy `startAtLogin`). */
    startAtLogin: z.boolean(),
    /** Answer, hang up and mute from any program (policy `globalShortcuts` sets the keys, or turns them off). */
    globalShortcuts: z.boolean(),
    ringtone: z.enum(ringtones),
    /** Loudness of the ringtone, 0 (silent) to 100. */
    ringVolume: z.number().int().min(0).max(100),
  })
  .strict();
export type Settings = z.infer<typeof Settings>;

export const SettingsPatch = Settings.partial().strict();
export type SettingsPatch = z.infer<typeof SettingsPatch>;

export const defaultSettings: Settings = {
  language: 'system',
  theme: 'system',
  defaultCountry: 'DE',
  doNotDisturb: false,
  dtmfTransport: 'rfc4733',
  microphoneId: '',
  speakerId: '',
  ringDeviceId: '',
  runInBackground: true,
  startAtLogin: false,
  globalShortcuts: true,
  ringtone: 'classic',
  ringVolume: 80,
};

export type SettingKey = keyof Settings;
