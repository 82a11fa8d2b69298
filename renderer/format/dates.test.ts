import { describe, expect, it } from 'vitest';
import { formattingLocale } from './dates';

describe('formattingLocale', () => {
  it('uses the system’s region when the system speaks the UI language', () => {
    expect(formattingLocale('en', 'en-US')).toBe('en-US');
    expect(formattingLocale('de', 'de_AT.UTF-8')).toBe('de-AT');
  });

  it('falls back to British English and German German', () => {
    expect(formattingLocale('en', 'de-DE')).toBe('en-GB');
    expect(formattingLocale('en', 'en')).toBe('en-GB');
    expect(formattingLocale('de', 'fr-FR')).toBe('de-DE');
  });
});
