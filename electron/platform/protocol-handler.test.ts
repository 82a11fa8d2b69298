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
  function fakeApp(isPackaged: boolean) {
    const registered: unknown[][] = [];
    const listeners = new Map<string, (...args: never[]) => void>();
    const app: ProtocolApp = {
      isPackaged,
      setAsDefaultProtocolClient: (...args: unknown[]) => registered.push(args) > 0,
      on: (event: string, listener: (...args: never[]) => void) => listeners.set(event, listener),
    };
    return { app, registered, listeners };
  }

  it('registers tel:, callto: and sip: and delivers links from start, second start and open-url', () => {
    const { app, registered, listeners } = fakeApp(true);
    const delivered: string[] = [];
    registerDialLinks(app, { argv: ['app', 'tel:+4930123'], execPath: '/e', appPath: '/a' }, (target) =>
      delivered.push(target),
    );
    expect(registered).toEqual([['tel'], ['callto'], ['sip']]);
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
  });

  it('registers the Electron binary with the app folder in development', () => {
    const { app, registered } = fakeApp(false);
    registerDialLinks(app, { argv: [], execPath: '/e/electron', appPath: '/src/app' }, () => {});
    expect(registered[0]).toEqual(['tel', '/e/electron', ['/src/app']]);
  });
});
