import { useTranslation } from 'react-i18next';
import { useAppStore } from '../state/app-store';

/**
 * The locale for dates, times and numbers: the UI language's conventions, in the system's regional
 * variant when the system speaks that language (en-US, de-AT), else British English or German German.
 */
export function formattingLocale(language: string, systemLocale: string): string {
  const regional = /^([a-z]{2,3})[-_]([a-z]{2})\b/i.exec(systemLocale);
  if (regional && regional[1]!.toLowerCase() === language) return `${language}-${regional[2]!.toUpperCase()}`;
  return language === 'de' ? 'de-DE' : 'en-GB';
}

export function useFormattingLocale(): string {
  const { i18n } = useTranslation();
  const systemLocale = useAppStore((s) => s.info?.systemLocale ?? navigator.language);
  return formattingLocale(i18n.language, systemLocale);
}
