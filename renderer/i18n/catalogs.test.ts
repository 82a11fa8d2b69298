import { describe, expect, it } from 'vitest';
import { catalogKeys, catalogs } from './catalogs';
import { chooseLanguage } from './language';

describe('catalogs', () => {
  it('German and English have exactly the same keys', () => {
    expect(catalogKeys(catalogs.de).sort()).toEqual(catalogKeys(catalogs.en).sort());
  });

  it('have no empty texts', () => {
    for (const [language, catalog] of Object.entries(catalogs)) {
      const empty = catalogKeys(catalog).filter((key) => {
        const value = key
          .split('.')
          .reduce<unknown>((node, part) => (node as Record<string, unknown>)[part], catalog);
        return typeof value !== 'string' || value.trim() === '';
      });
      expect(empty, language).toEqual([]);
    }
  });

  it('translate every IPC error code', async () => {
    const { ipcErrorCodes } = await import('../../shared/ipc/errors');
    for (const code of ipcErrorCodes) {
      expect(catalogs.de.errors).toHaveProperty([code]);
      expect(catalogs.en.errors).toHaveProperty([code]);
    }
  });
});

describe('language choice', () => {
  it('follows a German system, else English', () => {
    expect(chooseLanguage('system', null, 'de-DE')).toBe('de');
    expect(chooseLanguage('system', null, 'de-AT')).toBe('de');
    expect(chooseLanguage('system', null, 'en-US')).toBe('en');
    expect(chooseLanguage('system', null, 'fr-FR')).toBe('en');
  });

  it('lets the setting override the system and policy override both', () => {
    expect(chooseLanguage('en', null, 'de-DE')).toBe('en');
    expect(chooseLanguage('de', null, 'en-US')).toBe('de');
    expect(chooseLanguage('en', 'de', 'en-US')).toBe('de');
  });
});
