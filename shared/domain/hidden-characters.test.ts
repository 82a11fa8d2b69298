import { describe, expect, it } from 'vitest';
import { hasHiddenCharacters } from './hidden-characters.js';

describe('hidden characters in dial targets', () => {
  it.each([
    ['a bell in the user part', 'sip:al\u0007ice@example.eu'],
    ['a right-to-left override', 'sip:\u202Ealice@example.eu'],
    ['a percent-encoded right-to-left override', 'sip:%E2%80%AEalice@example.eu'],
    ['lower-case escapes', 'sip:%e2%80%aealice@example.eu'],
    ['a zero-width space', '030\u200B1234567'],
    ['a left-to-right mark pasted from a web page', '\u200E+49 30 1234567'],
    ['a byte-order mark', '\uFEFF030 1234567'],
    ['a tab inside', '030\t1234567'],
    ['an encoded NUL', 'sip:bob%00@example.eu'],
  ])('refuses %s', (_name, text) => {
    expect(hasHiddenCharacters(text)).toBe(true);
  });

  it.each([
    '+49 30 1234567',
    'sip:alice@example.eu',
    'sip:%2B4930@example.eu',
    '*21*0900123#',
    'sip:m%C3%BCller@x.eu',
    '100%',
  ])('lets %s through', (text) => {
    expect(hasHiddenCharacters(text)).toBe(false);
  });
});
