import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy } from './csp.js';

function directives(csp: string): Map<string, string[]> {
  return new Map(
    csp.split(';').map((part) => {
      const [name, ...values] = part.trim().split(/\s+/);
      return [name!, values];
    }),
  );
}

describe('content security policy', () => {
  const csp = directives(contentSecurityPolicy({}));

  it('denies by default and allows code only from the app itself', () => {
    expect(csp.get('default-src')).toEqual(["'none'"]);
    expect(csp.get('script-src')).toEqual(["'self'"]);
    expect(csp.get('style-src')).toEqual(["'self'"]);
    expect(csp.get('object-src')).toEqual(["'none'"]);
    expect(csp.get('base-uri')).toEqual(["'none'"]);
    expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
    expect(csp.get('form-action')).toEqual(["'none'"]);
  });

  it('never allows inline code, eval or wildcards', () => {
    const text = contentSecurityPolicy({});
    for (const loose of [
      "'unsafe-inline'",
      "'unsafe-eval'",
      "'wasm-unsafe-eval'",
      ' * ',
      'http:',
      'ws:',
      'data: ',
    ]) {
      expect(` ${text} `).not.toContain(loose);
    }
  });

  it('limits network access to secure WebSockets, or to the policy origins', () => {
    expect(csp.get('connect-src')).toEqual(["'self'", 'wss:']);
    const pinned = directives(contentSecurityPolicy({ wssOrigins: ['wss://sip.example.eu:7443'] }));
    expect(pinned.get('connect-src')).toEqual(["'self'", 'wss://sip.example.eu:7443']);
  });

  it('refuses insecure or malformed origins', () => {
    for (const origin of [
      'ws://sip.example.eu',
      'https://sip.example.eu',
      'wss://sip.example.eu/path',
      '*',
    ]) {
      expect(() => contentSecurityPolicy({ wssOrigins: [origin] }), origin).toThrow();
    }
  });
});
