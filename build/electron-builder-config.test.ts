import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';

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

  it('registers tel:, callto: and sip:', () => {
    const schemes = config.protocols.flatMap((p: { schemes: string[] }) => p.schemes).sort();
    expect(schemes).toEqual(['callto', 'sip', 'tel']);
    expect(config.linux.mimeTypes).toEqual([
      'x-scheme-handler/tel',
      'x-scheme-handler/sip',
      'x-scheme-handler/callto',
    ]);
  });

  it('packs only runtime files, with native modules unpacked', () => {
    expect(config.asar).toBe(true);
    expect(config.asarUnpack).toContain('**/*.node');
    expect(config.files).toEqual(['package.json', 'dist/electron/**', 'dist/renderer/**', '!**/*.map']);
  });

  it('signs and hardens the macOS build and explains the microphone', () => {
    expect(config.mac.hardenedRuntime).toBe(true);
    expect(config.mac.notarize).toBe(true);
    expect(config.mac.extendInfo.NSMicrophoneUsageDescription).toMatch(/microphone/i);
    expect(entitlements).toContain('com.apple.security.device.audio-input');
    expect(entitlements).not.toContain('disable-library-validation');
    expect(entitlements).not.toContain('allow-unsigned-executable-memory');
  });

  it('installs per machine on Windows with a publisher name for signature checks', () => {
    expect(config.win.target).toEqual(['nsis', 'msi']);
    expect(config.win.publisherName).toBeTruthy();
    expect(config.nsis.perMachine).toBe(true);
    expect(config.msi.perMachine).toBe(true);
  });
});
