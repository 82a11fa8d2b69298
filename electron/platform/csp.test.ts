import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy, pagePolicy, policyMetaTag, servePolicyInPage, wssOriginOf } from './csp.js';

function directives(csp: string): Map<string, string[]> {
  return new Map(
    csp.split(';').map((part) => {
      const [name, ...values] = part.trim().split(/\s+/);
      return [name!, values];
    }),
  );
}

describe('content security policy', () => {
  const csp = directives(contentSecurityPolicy({ connect: ['wss://sip.example.eu'] }));

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
    for (const text of [
      contentSecurityPolicy({ connect: 'any-wss' }),
      contentSecurityPolicy({ connect: ['wss://sip.example.eu'], delivery: 'meta' }),
    ])
      for (const loose of [
        "'unsafe-inline'",
        "'unsafe-eval'",
        "'wasm-unsafe-eval'",
        ' * ',
        'http:',
        'ws:',
        'data: ',
      ])
        expect(` ${text} `).not.toContain(loose);
  });

  it('connects only to the given SIP edges; with none, to nothing but the app', () => {
    expect(csp.get('connect-src')).toEqual(["'self'", 'wss://sip.example.eu']);
    const two = directives(
      contentSecurityPolicy({
        connect: ['wss://sip.example.eu:7443', 'wss://edge.example.eu', 'wss://edge.example.eu'],
      }),
    );
    expect(two.get('connect-src')).toEqual(["'self'", 'wss://sip.example.eu:7443', 'wss://edge.example.eu']);
    expect(directives(contentSecurityPolicy({ connect: [] })).get('connect-src')).toEqual(["'self'"]);
    // Only the baseline in index.html, which the served policy narrows, allows any secure WebSocket.
    expect(directives(contentSecurityPolicy({ connect: 'any-wss' })).get('connect-src')).toEqual([
      "'self'",
      'wss:',
    ]);
  });

  it('refuses insecure or malformed origins', () => {
    for (const origin of [
      'ws://sip.example.eu',
      'https://sip.example.eu',
      'wss://sip.example.eu/path',
      '*',
    ]) {
      expect(() => contentSecurityPolicy({ connect: [origin] }), origin).toThrow();
    }
  });

  it('names the origin of a wss:// edge URL only', () => {
    expect(wssOriginOf('wss://sip.example.eu:7443/ws?x=1')).toBe('wss://sip.example.eu:7443');
    expect(wssOriginOf('wss://SIP.example.eu:443/ws')).toBe('wss://sip.example.eu');
    for (const url of ['ws://sip.example.eu', 'https://sip.example.eu', 'not a url', ''])
      expect(wssOriginOf(url), url).toBeNull();
  });

  it('as a meta tag, leaves out frame-ancestors (only a header can carry it)', () => {
    const meta = directives(contentSecurityPolicy({ connect: ['wss://sip.example.eu'], delivery: 'meta' }));
    expect(meta.has('frame-ancestors')).toBe(false);
    expect(meta.get('connect-src')).toEqual(["'self'", 'wss://sip.example.eu']);
  });
});

describe('the policy in the served page', () => {
  it('renderer/index.html carries the baseline policy tag that the build fills in', async () => {
    const html = await readFile(new URL('../../renderer/index.html', import.meta.url), 'utf8');
    expect(pagePolicy(html)).toBe(contentSecurityPolicy({ connect: 'any-wss', delivery: 'meta' }));
    // It comes before any script, so that it governs them.
    expect(html.indexOf('Content-Security-Policy')).toBeLessThan(html.indexOf('<script'));
  });

  it('replaces the baseline with the policy in force, as the header says it but frame-ancestors', () => {
    const page = `<head>${policyMetaTag(contentSecurityPolicy({ connect: 'any-wss', delivery: 'meta' }))}</head>`;
    const header = contentSecurityPolicy({ connect: ['wss://sip.example.eu'] });
    expect(servePolicyInPage(page, header)).toBe(
      `<head>${policyMetaTag(contentSecurityPolicy({ connect: ['wss://sip.example.eu'], delivery: 'meta' }))}</head>`,
    );
    expect(() => servePolicyInPage('<head></head>', header)).toThrow();
  });
});
