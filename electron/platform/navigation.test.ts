import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decideNavigation, decideWindowOpen, isAllowedExternalUrl } from './navigation.js';

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

  it('never opens a window, and hands only https and mailto links to the system', () => {
    expect(decideWindowOpen('https://status.example.eu/')).toEqual({ action: 'deny', openExternally: true });
    expect(decideWindowOpen('mailto:it@example.eu')).toEqual({ action: 'deny', openExternally: true });
    for (const url of [
      'http://example.eu',
      'javascript:alert(1)',
      'file:///etc/passwd',
      'data:text/html,x',
      'smb://host/share',
      'ms-msdt:/id',
      'https://user:pw@example.eu/',
      'app://softphone/',
      '',
    ]) {
      expect(decideWindowOpen(url), url).toEqual({ action: 'deny', openExternally: false });
    }
  });

  // CPU-bound (fast-check builds 100 web URLs): a generous limit, so that a loaded machine does not fail it.
  it('refuses every scheme outside the allowlist', { timeout: 60_000 }, () => {
    fc.assert(
      fc.property(
        fc.webUrl({ validSchemes: ['http', 'ftp', 'file', 'ws', 'wss', 'smb', 'vbscript', 'tel', 'sip'] }),
        (url) => !isAllowedExternalUrl(url),
      ),
    );
  });
});
