import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { catalogs, type Language } from './catalogs';

void i18next.use(initReactI18next).init({
  resources: { de: { translation: catalogs.de }, en: { translation: catalogs.en } },
  lng: 'de',
  fallbackLng: false,
  interpolation: { escapeValue: false },
  returnNull: false,
});

export function applyLanguage(language: Language): void {
  if (i18next.language !== language) void i18next.changeLanguage(language);
  document.documentElement.lang = language;
}

export { i18next };
