import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { signingArguments } from './dist.js';

const config = parse(readFileSync(new URL('../electron-builder.yml', import.meta.url), 'utf8'));
const entitlements = readFileSync(new URL('./entitlements.mac.plist', import.meta.url), 'utf8');

describe('electron-builder configuration', () => {
  it('sets every Electron fuse explicitly and safely', () => {
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      loadBrowserProcessSpecificV8Snapshot: false,
      grantFileProtocolExtraPrivileges: false,
    });
  });

  it('names the app', () => {
    expect(config.appId).toMatch(/^[a-z]+(\.[a-z0-9-]+)+$/);
    expect(config.productName).toBe('Secure Softphone');
  });

  it('registers tel:, callto: and sip:', () => {
    const schemes = config.protocols.flatMap((p: { schemes: string[] }) => p.schemes).sort();
    expect(schemes).toEqual(['callto', 'sip', 'tel']);
    // The desktop entry's MimeType comes from `protocols` (build/packaging.test.ts reads the generated one).
    expect(config.linux.mimeTypes).toBeUndefined();
    expect(config.linux.desktop.entry.MimeType).toBeUndefined();
    expect(config.linux.target).toEqual(['AppImage', 'deb', 'rpm']);
  });

  it('packs only runtime files, with native modules unpacked', () => {
    expect(config.asar).toBe(true);
    expect(config.asarUnpack).toContain('**/*.node');
    expect(config.files).toEqual([
      'package.json',
      'dist/electron/**',
      'dist/renderer/**',
      '!**/*.map',
      '!node_modules/better-sqlite3-multiple-ciphers/prebuilds/!(${platform}-${arch}).node',
    ]);
  });

  it('signs and hardens the macOS build and explains the microphone', () => {
    expect(config.mac.target).toEqual(['dmg', 'zip']);
    expect(config.mac.hardenedRuntime).toBe(true);
    expect(config.mac.entitlements).toBe('build/entitlements.mac.plist');
    expect(config.mac.notarize).toBe(true);
    expect(config.mac.extendInfo.NSMicrophoneUsageDescription).toMatch(/microphone/i);
    expect(entitlements).toContain('com.apple.security.device.audio-input');
    expect(entitlements).not.toContain('disable-library-validation');
    expect(entitlements).not.toContain('allow-unsigned-executable-memory');
  });

  it('installs per machine on Windows with a publisher name for signature checks', () => {
    expect(config.win.target).toEqual(['nsis', 'msiWrapped']);
    expect(config.win.signtoolOptions.publisherName).toBe(config.productName);
    expect(config.win.signtoolOptions.signingHashAlgorithms).toEqual(['sha256']);
    expect(config.win.verifyUpdateCodeSignature).toBe(true);
    expect(config.nsis.perMachine).toBe(true);
    expect(config.msiWrapped.perMachine).toBe(true);
  });

  it('keeps signing credentials out of the repository: they come from the environment', () => {
    const secretKeys =
      /^(cscLink|cscKeyPassword|cscInstallerLink|cscInstallerKeyPassword|certificateFile|certificatePassword|certificateSha1|identity|appleId|appleIdPassword|password)$/i;
    const found: string[] = [];
    const walk = (value: unknown, path: string) => {
      if (value && typeof value === 'object')
        for (const [key, child] of Object.entries(value)) {
          if (secretKeys.test(key)) found.push(`${path}${key}`);
          walk(child, `${path}${key}.`);
        }
    };
    walk(config, '');
    expect(found).toEqual([]);
    // Azure Trusted Signing is configured by environment variables, all three or none.
    const publisher = config.win.signtoolOptions.publisherName;
    expect(signingArguments({}, publisher)).toEqual([]);
    expect(
      signingArguments(
        {
          AZURE_SIGNING_ENDPOINT: 'https://weu.codesigning.azure.net',
          AZURE_SIGNING_ACCOUNT: 'softphone',
          AZURE_SIGNING_PROFILE: 'public-trust',
        },
        publisher,
      ),
    ).toEqual([
      '-c.win.azureSignOptions.publisherName=Secure Softphone',
      '-c.win.azureSignOptions.endpoint=https://weu.codesigning.azure.net',
      '-c.win.azureSignOptions.codeSigningAccountName=softphone',
      '-c.win.azureSignOptions.certificateProfileName=public-trust',
    ]);
    expect(() =>
      signingArguments({ AZURE_SIGNING_ENDPOINT: 'https://weu.codesigning.azure.net' }, publisher),
    ).toThrow(/AZURE_SIGNING_ACCOUNT, AZURE_SIGNING_PROFILE/);
  });
});
