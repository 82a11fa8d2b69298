import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decideNavigation, decideWindowOpen, externalHosts, isAllowedExternalUrl } from './navigation.js';

const allowed = ['login.example.eu', 'status.example.eu'];

describe('navigation guards', () => {
  it('keeps the window on the app origin', () => {
    expect(decideNavigation('app://softphone/index.html')).toBe('allow');
    for (const url of [
      'https://evil.example/',
      'file:///etc/passwd',
      'app://other/index.html',
      'javascript:alert(1)',
      'about:blank',
      'not a url',
    ]) {
      expect(decideNavigation(url), url).toBe('deny');
    }
  });

  it('never opens a window, and hands only https links to hosts IT named to the system', () => {
    expect(decideWindowOpen('https://status.example.eu/', allowed)).toEqual({
      action: 'deny',
      openExternally: true,
    });
    expect(decideWindowOpen('https://LOGIN.example.eu/help', allowed)).toEqual({
      action: 'deny',
      openExternally: true,
    });
    for (const url of [
      'https://evil.example/',
      'https://login.example.eu.evil.example/',
      'https://status.example.eu@evil.example/',
      'mailto:it@example.eu',
      'http://status.example.eu',
      'javascript:alert(1)',
      'file:///etc/passwd',
      'data:text/html,x',
      'smb://host/share',
      'ms-msdt:/id',
      'https://user:pw@status.example.eu/',
      'app://softphone/',
      '',
    ]) {
      expect(decideWindowOpen(url, allowed), url).toEqual({ action: 'deny', openExternally: false });
    }
  });

  it('allows the issuer’s host and the policy’s allow-list, nothing else', () => {
    expect(
      externalHosts({
        provider: { issuer: 'https://login.microsoftonline.com/organizations/v2.0' },
        openExternalAllowList: ['help.example.eu'],
      }),
    ).toEqual(['login.microsoftonline.com', 'help.example.eu']);
    expect(externalHosts({ provider: null, openExternalAllowList: [] })).toEqual([]);
  });

  // CPU-bound (fast-check builds 100 web URLs): a generous limit, so that a loaded machine does not fail it.
  it('refuses every scheme outside the allowlist', { timeout: 60_000 }, () => {
    fc.assert(
      fc.property(
        fc.webUrl({ validSchemes: ['http', 'ftp', 'file', 'ws', 'wss', 'smb', 'vbscript', 'tel', 'sip'] }),
        (url) => !isAllowedExternalUrl(url, allowed),
      ),
    );
  });
});
