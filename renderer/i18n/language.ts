import type { Settings } from '../../shared/settings/settings';
import type { Language } from './catalogs';

/**
 * The UI language: a language fixed by policy wins, then the user's choice, then the system's
 * (German for any German locale, English otherwise).
 */
export function chooseLanguage(
  setting: Settings['language'],
  policyLanguage: Language | null,
  systemLocale: string,
): Language {
  if (policyLanguage) return policyLanguage;
  if (setting !== 'system') return setting;
  return systemLocale.toLowerCase().startsWith('de') ? 'de' : 'en';
}
