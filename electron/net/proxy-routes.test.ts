import { describe, expect, it } from 'vitest';
import { pacRoutes, parsePacResult, ProxyConfigurationError, proxyPort } from './proxy-routes.js';

const hrefs = (result: string) =>
  parsePacResult(result).map((route) => (route.kind === 'direct' ? 'DIRECT' : route.proxy.href));

describe('PAC results as Electron resolveProxy returns them', () => {
  it('keeps the order of proxies and DIRECT, with the schemes undici speaks', () => {
    expect(hrefs('DIRECT')).toEqual(['DIRECT']);
    expect(hrefs('PROXY proxy.corp.example:3128; DIRECT')).toEqual([
      'http://proxy.corp.example:3128/',
      'DIRECT',
    ]);
    expect(hrefs(' HTTPS secure.corp.example:443 ;SOCKS5 10.0.0.1:1080;  proxy [::1]:8080')).toEqual([
      'https://secure.corp.example/',
      'socks5://10.0.0.1:1080',
      'http://[::1]:8080/',
    ]);
  });

  it('skips SOCKS4 and QUIC proxies and malformed entries, and refuses an answer left empty', () => {
    expect(hrefs('SOCKS 10.0.0.1:1080; QUIC q.example:443; PROXY a b; PROXY p.example:8080')).toEqual([
      'http://p.example:8080/',
    ]);
    expect(() => parsePacResult('SOCKS4 10.0.0.1:1080')).toThrow(ProxyConfigurationError);
    expect(() => parsePacResult('')).toThrow(ProxyConfigurationError);
    expect(() => parsePacResult('PROXY user:pw@p.example:8080')).toThrow(ProxyConfigurationError);
  });

  it('names default ports where the answer leaves them out', () => {
    const [http, https] = parsePacResult('PROXY p.example; HTTPS p.example');
    expect(http?.kind === 'proxy' && proxyPort(http.proxy)).toBe(80);
    expect(https?.kind === 'proxy' && proxyPort(https.proxy)).toBe(443);
  });

  it('adds credentials to the proxies they are known for, percent-encoded', async () => {
    const routes = pacRoutes(
      async () => 'PROXY a.example:3128; PROXY b.example:8080; DIRECT',
      async ({ host, port }) =>
        host === 'b.example' && port === 8080 ? { username: 'dom\\carla', password: 'p@ss:w' } : null,
    );
    const [a, b, direct] = await routes('https://sip.provider.example/');
    expect(a).toEqual({ kind: 'proxy', proxy: new URL('http://a.example:3128') });
    expect(b?.kind === 'proxy' && b.proxy.href).toBe('http://dom%5Ccarla:p%40ss%3Aw@b.example:8080/');
    expect(direct).toEqual({ kind: 'direct' });
  });
});
