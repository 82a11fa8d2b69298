import type { Session } from 'electron';
import { describe, expect, it } from 'vitest';
import { pacRoutes } from '../net/proxy-routes.js';
import { sessionProxyResolver } from './proxy.js';

describe('the session’s proxy resolution for main’s HTTP client', () => {
  it('asks the session for each URL and follows its PAC answer', async () => {
    const asked: string[] = [];
    const session = {
      resolveProxy: async (url: string) => {
        asked.push(url);
        return url.includes('api.provider.example') ? 'PROXY proxy.corp.example:3128; DIRECT' : 'DIRECT';
      },
    } satisfies Pick<Session, 'resolveProxy'>;
    const routes = pacRoutes(sessionProxyResolver(session));
    expect(await routes('https://api.provider.example/v1/audit-events')).toEqual([
      { kind: 'proxy', proxy: new URL('http://proxy.corp.example:3128') },
      { kind: 'direct' },
    ]);
    expect(await routes('https://updates.example/latest.yml')).toEqual([{ kind: 'direct' }]);
    expect(asked).toEqual([
      'https://api.provider.example/v1/audit-events',
      'https://updates.example/latest.yml',
    ]);
  });
});
