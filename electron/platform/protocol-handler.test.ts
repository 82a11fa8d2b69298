import { describe, expect, it } from 'vitest';
import {
  dialTargetFromArgv,
  dialTargetFromUrl,
  registerDialLinks,
  type ProtocolApp,
} from './protocol-handler.js';

describe('dialTargetFromUrl', () => {
  it('reads telephone numbers from tel: and callto: links', () => {
    expect(dialTargetFromUrl('tel:+49-30-1234567')).toBe('+49-30-1234567');
    expect(dialTargetFromUrl('tel:030%201234567')).toBe('030 1234567');
    expect(dialTargetFromUrl('TEL:+1 (555) 010-9999')).toBe('+1 (555) 010-9999');
    expect(dialTargetFromUrl('tel:7042;phone-context=example.com')).toBe('7042');
    expect(dialTargetFromUrl('callto:+441632960123')).toBe('+441632960123');
    expect(dialTargetFromUrl('callto://+441632960123')).toBe('+441632960123');
    expect(dialTargetFromUrl('tel:*97')).toBe('*97');
  });

  it('reads SIP addresses without their parameters and headers', () => {
    expect(dialTargetFromUrl('sip:alice@example.eu')).toBe('sip:alice@example.eu');
    expect(dialTargetFromUrl('sip:alice@example.eu:5061;transport=tls')).toBe('sip:alice@example.eu:5061');
    expect(dialTargetFromUrl('sips:bob@[2001:db8::1]?subject=hi')).toBe('sips:bob@[2001:db8::1]');
    expect(dialTargetFromUrl('sip:%2B4930123@example.eu')).toBe('sip:+4930123@example.eu');
  });

  it('refuses other schemes and anything that is not a number or an address', () => {
    for (const url of [
      'https://example.eu/',
      'javascript:alert(1)',
      'tel:',
      'tel:call-me-maybe',
      'tel:%E0%A4%A',
      'callto:skype.name',
      'sip:example.eu',
      'sip:a b@example.eu',
      'sip:alice@exa mple.eu',
      `tel:${'1'.repeat(300)}`,
      'file:///etc/passwd',
    ])
      expect(dialTargetFromUrl(url), url).toBeNull();
  });

  it('passes control and format characters on escaped, for the number field to show and refuse', () => {
    expect(dialTargetFromUrl('sip:%E2%80%AEalice@example.eu')).toBe('sip:%E2%80%AEalice@example.eu');
    expect(dialTargetFromUrl('sip:al\u0007ice@example.eu')).toBe('sip:al%07ice@example.eu');
    expect(dialTargetFromUrl('tel:%E2%80%8E+49301234567')).toBe('tel:%E2%80%8E+49301234567');
  });
});

describe('dialTargetFromArgv', () => {
  it('finds the link among the arguments a second start passes', () => {
    expect(
      dialTargetFromArgv(['/opt/Secure Softphone/secure-softphone', '--no-sandbox', 'tel:+4930123']),
    ).toBe('+4930123');
    expect(dialTargetFromArgv(['app', 'sip:bob@example.eu'])).toBe('sip:bob@example.eu');
    expect(dialTargetFromArgv(['app', '--flag', 'tel:not-a-number'])).toBeNull();
    expect(dialTargetFromArgv(['app'])).toBeNull();
  });
});

describe('registerDialLinks', () => {
  function fakeApp() {
    const listeners = new Map<string, (...args: never[]) => void>();
    const app: ProtocolApp = {
      on: (event: string, listener: (...args: never[]) => void) => listeners.set(event, listener),
    };
    return { app, listeners };
  }

  it('delivers links from start, second start and open-url, and registers nothing by itself', () => {
    const { app, listeners } = fakeApp();
    const delivered: string[] = [];
    registerDialLinks(app, { argv: ['app', 'tel:+4930123'] }, (target) => delivered.push(target));
    (listeners.get('second-instance') as (event: unknown, argv: string[]) => void)({}, ['app', 'sip:a@b.eu']);
    let prevented = false;
    (listeners.get('open-url') as (event: { preventDefault(): void }, url: string) => void)(
      { preventDefault: () => (prevented = true) },
      'callto:+441632960123',
    );
    (listeners.get('open-url') as (event: { preventDefault(): void }, url: string) => void)(
      { preventDefault: () => {} },
      'javascript:alert(1)',
    );
    expect(prevented).toBe(true);
    expect(delivered).toEqual(['+4930123', 'sip:a@b.eu', '+441632960123']);
    // Becoming the system's handler needs consent (dial-link-registration.ts): the type has no way to.
    expect(Object.keys(app)).toEqual(['on']);
  });
});
