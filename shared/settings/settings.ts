import { z } from 'zod';

export const languagePreferences = ['system', 'de', 'en'] as const;
export const themePreferences = ['system', 'light', 'dark'] as const;

/** ISO 3166-1 alpha-2 region used to read national numbers, e.g. "DE". */
export const CountryCode = z.string().regex(/^[A-Z]{2}$/, 'an ISO 3166-1 alpha-2 code such as DE');

/** User preferences: no personal data and no secrets, ever (they live in the encrypted database or keychain). */
export const Settings = z
  .object({
    language: z.enum(languagePreferences),
    theme: z.enum(themePreferences),
    defaultCountry: CountryCode,
  })
  .strict();
export type Settings = z.infer<typeof Settings>;

export const SettingsPatch = Settings.partial().strict();
export type SettingsPatch = z.infer<typeof SettingsPatch>;

export const defaultSettings: Settings = { language: 'system', theme: 'system', defaultCountry: 'DE' };

export type SettingKey = keyof Settings;
