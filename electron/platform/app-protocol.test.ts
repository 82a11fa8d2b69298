import { describe, expect, it } from 'vitest';
import { appResponseHeaders, privilegedSchemes, resolveAppAsset } from './app-protocol.js';

const root = '/opt/app/dist/renderer';

describe('app:// protocol', () => {
  it('serves files from the renderer build', () => {
    expect(resolveAppAsset('app://softphone/index.html', root)).toEqual({
      filePath: `${root}/index.html`,
      mimeType: 'text/html; charset=utf-8',
    });
    expect(resolveAppAsset('app://softphone/', root)?.filePath).toBe(`${root}/index.html`);
    expect(resolveAppAsset('app://softphone/assets/index-abc.js?x=1', root)?.mimeType).toBe(
      'text/javascript; charset=utf-8',
    );
  });

  it('refuses traversal, other hosts and unknown types', () => {
    for (const url of [
      'app://softphone/../../etc/passwd',
      'app://softphone/..%2f..%2f..%2fetc/passwd.html',
      'app://softphone/assets/..%2f..%2f..%2fsecret.js',
      'app://softphone/a%00.html',
      'app://softphone/..%5c..%5cx.js',
      'app://other/index.html',
      'file:///etc/passwd',
      'app://softphone/%E0%A4%A.html',
      'app://softphone/settings.json.tmp',
    ]) {
      expect(resolveAppAsset(url, root), url).toBeNull();
    }
  });

  it('registers a secure scheme that does not bypass CSP', () => {
    expect(privilegedSchemes[0].privileges).toMatchObject({ standard: true, secure: true, bypassCSP: false });
  });

  it('sends CSP and nosniff with every response', () => {
    const headers = appResponseHeaders("default-src 'none'", 'text/html');
    expect(headers['Content-Security-Policy']).toBe("default-src 'none'");
    expect(headers['X-Content-Type-Options']).toBe('nosniff');
  });
});
