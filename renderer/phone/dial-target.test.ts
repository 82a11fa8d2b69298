import { describe, expect, it } from 'vitest';
import { parseDialInput, targetUri } from './dial-target';

describe('dial input', () => {
  it.each([
    ['030 1234567', 'DE', '+49301234567'],
    ['(030) 123-4567', 'DE', '+49301234567'],
    ['+49 89 1234567', 'DE', '+49891234567'],
    ['0049 89 1234567', 'AT', '+49891234567'],
    ['01 5123456', 'AT', '+4315123456'],
    ['tel:+41 44 668 18 00', 'DE', '+41446681800'],
    ['+1 (212) 555-0123', 'DE', '+12125550123'],
  ])('reads %s (%s) as %s', (input, country, e164) => {
    expect(parseDialInput(input, country)).toMatchObject({ ok: true, target: { kind: 'number', e164 } });
  });

  it('keeps extensions and service codes as they are', () => {
    expect(parseDialInput('2042', 'DE')).toEqual({ ok: true, target: { kind: 'extension', digits: '2042' } });
    expect(parseDialInput('*97', 'DE')).toEqual({ ok: true, target: { kind: 'extension', digits: '*97' } });
  });

  it('accepts SIP URIs', () => {
    expect(parseDialInput(' sip:alice@example.eu ', 'DE')).toEqual({
      ok: true,
      target: { kind: 'sip', uri: 'sip:alice@example.eu' },
    });
    expect(parseDialInput('sips:bob@sip.example.eu:5061;transport=tls', 'DE')).toMatchObject({ ok: true });
  });

  it.each([
    ['', 'empty'],
    ['   ', 'empty'],
    ['hello', 'invalidCharacters'],
    ['030 12a4567', 'invalidCharacters'],
    ['<script>', 'invalidCharacters'],
    ['+49 1', 'invalidNumber'],
    ['0000000000000', 'invalidNumber'],
    ['sip:alice', 'invalidSipUri'],
    ['sip:@example.eu', 'invalidSipUri'],
    ['sip:a b@example.eu', 'invalidSipUri'],
  ])('refuses %j (%s)', (input, error) => {
    expect(parseDialInput(input, 'DE')).toEqual({ ok: false, error });
  });

  it.each([
    ['typed with a bell', 'sip:al\u0007ice@example.eu'],
    ['pasted with a right-to-left override', 'sip:\u202Eecila@example.eu'],
    ['from a link, percent-encoded', 'sip:%E2%80%AEalice@example.eu'],
    ['pasted from a web page with a left-to-right mark', '\u200E+49 30 1234567'],
    ['with a zero-width space between the digits', '030\u200B1234567'],
  ])('refuses a target %s, before anything else is read', (_from, input) => {
    expect(parseDialInput(input, 'DE')).toEqual({ ok: false, error: 'hiddenCharacters' });
  });

  it('builds request URIs on the account domain', () => {
    const parsed = parseDialInput('030 1234567', 'DE');
    if (!parsed.ok) throw new Error('expected a number');
    expect(targetUri(parsed.target, 'softphone.test')).toBe('sip:+49301234567@softphone.test;user=phone');
    expect(targetUri({ kind: 'extension', digits: '*97' }, 'x.eu')).toBe('sip:*97@x.eu');
  });
});
