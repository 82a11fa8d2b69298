// The packaged app's content, built with electron-builder where no Electron binary can be downloaded.
//
// electron-builder takes a folder with an unpacked Electron distribution (`electronDist`). Here that folder is
// a PLACEHOLDER: its `electron` executable is a shell script that only says it is not Electron, with the
// fuse wire (sentinel, version 1, Electron 45's defaults) that @electron/fuses looks for. electron-builder
// copies it, renames it to the product's executable, flips the fuses from electron-builder.yml in it and packs
// `resources/app.asar`. Everything checked here is electron-builder's real output: the archive's file list,
// what is unpacked, and the fuses as written; only the Electron runtime itself is missing.
import { listPackage, statFile } from '@electron/asar';
import { FuseV1Options, getCurrentFuseWire } from '@electron/fuses';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Arch, build, Platform } from 'electron-builder';
import FpmTarget from 'app-builder-lib/out/targets/FpmTarget.js';
import { APP_USER_MODEL_ID } from '../electron/platform/app-identity.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const PLACEHOLDER = 'placeholder-electron-dist';
const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
/** Electron 45's fuse defaults, in FuseV1Options order ('1' on, '0' off). */
const ELECTRON_DEFAULT_FUSES = '10110001';

let work: string;
let resources: string;
let files: string[];

/** The placeholder Electron distribution: an honest stand-in that cannot run anything. */
function writePlaceholder(dir: string, version: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'electron'),
    `#!/bin/sh\n# ${PLACEHOLDER}: not Electron. Fuse wire for electron-builder: ${SENTINEL}\x01\x08${ELECTRON_DEFAULT_FUSES}\n` +
      `echo "${PLACEHOLDER}: this is not Electron" >&2\nexit 1\n`,
    { mode: 0o755 },
  );
  writeFileSync(join(dir, 'version'), version);
}

/** Names of the packages of which every copy in the lock file is only needed for development. */
function devOnlyPackages(): Set<string> {
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { dev?: boolean }>;
  };
  const dev = new Set<string>();
  const production = new Set<string>();
  for (const [path, entry] of Object.entries(lock.packages)) {
    if (!path.startsWith('node_modules/')) continue;
    const name = path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
    (entry.dev ? dev : production).add(name);
  }
  return new Set([...dev].filter((name) => !production.has(name)));
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'packaging-'));
  const placeholder = join(work, PLACEHOLDER);
  const electronVersion = JSON.parse(
    readFileSync(join(root, 'node_modules/electron/package.json'), 'utf8'),
  ).version;
  writePlaceholder(placeholder, electronVersion);
  console.log(
    `Electron distribution: ${placeholder} (a PLACEHOLDER, no Electron binary can be downloaded here)`,
  );
  // The bundles as `npm run dist` makes them (no source maps); electron-builder packs them from dist/.
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'pipe' });
  execFileSync(
    'npx',
    [
      'electron-builder',
      '--linux',
      'dir',
      '--publish',
      'never',
      `-c.electronDist=${placeholder}`,
      `-c.directories.output=${join(work, 'release')}`,
    ],
    { cwd: root, stdio: 'pipe', env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' } },
  );
  resources = join(work, 'release', 'linux-unpacked', 'resources');
  files = listPackage(join(resources, 'app.asar'), { isPack: false }).map((file) => file.replace(/\\/g, '/'));
}, 120_000);

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

describe(`packaged app (electron-builder --linux dir with ${PLACEHOLDER})`, () => {
  it('packs the bundles, package.json and production node_modules only', () => {
    const outside = files.filter(
      (file) =>
        !['/dist', '/dist/electron', '/dist/renderer', '/package.json', '/node_modules'].some(
          (allowed) => file === allowed || file.startsWith(`${allowed}/`),
        ),
    );
    expect(outside).toEqual([]);
    expect(files).toContain('/dist/electron/main.cjs');
    expect(files).toContain('/dist/electron/preload.cjs');
    expect(files).toContain('/dist/renderer/index.html');
    // The app's sources and tests never ship, nor the repository's tooling.
    const ours = files.filter((file) => !file.startsWith('/node_modules/'));
    expect(ours.filter((file) => /\.(ts|tsx|map)$|\.test\.|\.spec\./.test(file))).toEqual([]);
  });

  it('ships no source maps and no development dependencies', () => {
    expect(files.filter((file) => file.endsWith('.map'))).toEqual([]);
    const devOnly = devOnlyPackages();
    const shipped = new Set(
      files
        .filter((file) => file.startsWith('/node_modules/'))
        .map((file) => {
          const parts = file.split('/node_modules/').at(-1)!.split('/');
          return parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
        }),
    );
    expect([...shipped].filter((name) => devOnly.has(name))).toEqual([]);
    for (const name of [
      'electron',
      'vitest',
      'typescript',
      'electron-builder',
      '@playwright/test',
      'oidc-provider',
    ])
      expect(shipped.has(name), name).toBe(false);
    for (const name of ['keytar', 'better-sqlite3-multiple-ciphers'])
      expect(shipped.has(name), name).toBe(true);
  });

  it('unpacks the native modules next to the archive', () => {
    const natives = files.filter((file) => file.endsWith('.node'));
    expect(natives).toContain('/node_modules/keytar/build/Release/keytar.node');
    // Only the prebuilt SQLCipher binary of the platform built for (linux-x64 here).
    expect(natives.filter((file) => file.includes('/prebuilds/'))).toEqual([
      '/node_modules/better-sqlite3-multiple-ciphers/prebuilds/linux-x64.node',
    ]);
    for (const file of natives) {
      expect(
        (statFile(join(resources, 'app.asar'), file.slice(1)) as { unpacked?: boolean }).unpacked,
        file,
      ).toBe(true);
      expect(existsSync(join(resources, 'app.asar.unpacked', file)), file).toBe(true);
    }
  });

  it('writes the fuses of electron-builder.yml into the executable', async () => {
    const config = parse(readFileSync(join(root, 'electron-builder.yml'), 'utf8'));
    const executable = join(work, 'release', 'linux-unpacked', config.executableName ?? 'secure-softphone');
    const wire = await getCurrentFuseWire(executable);
    const expected: Record<string, boolean> = {
      RunAsNode: config.electronFuses.runAsNode,
      EnableCookieEncryption: config.electronFuses.enableCookieEncryption,
      EnableNodeOptionsEnvironmentVariable: config.electronFuses.enableNodeOptionsEnvironmentVariable,
      EnableNodeCliInspectArguments: config.electronFuses.enableNodeCliInspectArguments,
      EnableEmbeddedAsarIntegrityValidation: config.electronFuses.enableEmbeddedAsarIntegrityValidation,
      OnlyLoadAppFromAsar: config.electronFuses.onlyLoadAppFromAsar,
      LoadBrowserProcessSpecificV8Snapshot: config.electronFuses.loadBrowserProcessSpecificV8Snapshot,
      GrantFileProtocolExtraPrivileges: config.electronFuses.grantFileProtocolExtraPrivileges,
    };
    // Each fuse is the character '1' (on) or '0' (off) in the wire.
    for (const [name, enabled] of Object.entries(expected))
      expect(
        String.fromCharCode(wire[FuseV1Options[name as keyof typeof FuseV1Options]] as number),
        name,
      ).toBe(enabled ? '1' : '0');
    // The placeholder started with Electron's defaults: the build really flipped RunAsNode and friends.
    expect(ELECTRON_DEFAULT_FUSES[FuseV1Options.RunAsNode]).toBe('1');
  });
});

/**
 * What electron-builder computes for a Linux target before it runs the packaging tool (fpm for deb/rpm,
 * appimagetool for AppImage), taken through its own `effectiveOptionComputed` hook, which stops the build
 * there: those tools are downloaded from GitHub, which this machine cannot reach. Its metadata checks (a
 * deb needs a maintainer with an e-mail, a homepage) run before the hook, so a missing field fails here.
 */
async function computedLinuxTarget(target: 'deb' | 'rpm' | 'AppImage'): Promise<unknown> {
  let computed: unknown = null;
  await build({
    projectDir: root,
    targets: Platform.LINUX.createTarget([target], Arch.x64),
    prepackaged: join(work, 'release', 'linux-unpacked'),
    config: { directories: { output: join(work, `release-${target}`) } },
    publish: 'never',
    effectiveOptionComputed: async (options: unknown) => {
      computed = options;
      return true;
    },
  });
  return computed;
}

/** fpm's `--name value` arguments as a map (the last positional arguments are file mappings). */
function fpmOptions(args: string[]): Map<string, string> {
  const options = new Map<string, string>();
  for (let i = 0; i < args.length - 1; i++)
    if (args[i]!.startsWith('--')) options.set(args[i]!.slice(2), args[i + 1]!);
  return options;
}

describe('installer metadata per target (electron-builder computes it; the tools themselves cannot run here)', () => {
  const config = parse(readFileSync(join(root, 'electron-builder.yml'), 'utf8'));
  const packageJson = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

  it.each(['deb', 'rpm'] as const)(
    '%s: maintainer with e-mail, vendor, homepage and the desktop entry',
    async (target) => {
      const computed = await computedLinuxTarget(target);
      const [args, desktopFile] = computed as [string[], string];
      const options = fpmOptions(args);
      expect(options.get('maintainer')).toBe('Secure Softphone <support@securesoftphone.eu>');
      expect(options.get('vendor')).toBe('Secure Softphone');
      expect(options.get('url')).toBe(packageJson.homepage);
      expect(options.get('name')).toBe('secure-softphone');
      // Installed as the file desktopName names: Electron's app id and xdg-settings both use it.
      expect(args).toContain(`${desktopFile}=/usr/share/applications/${packageJson.desktopName}`);
    },
    60_000,
  );

  it('deb and rpm depend on libsecret (keytar), rpm on electron-builder’s defaults as well', () => {
    const defaults = (target: string): string[] => FpmTarget.prototype['getDefaultDepends'](target);
    // deb: electron-builder's defaults already name libsecret-1-0 (electron-builder.yml sets no list).
    expect(config.deb?.depends).toBeUndefined();
    expect(defaults('deb')).toContain('libsecret-1-0');
    // rpm: its defaults do not, so the list is spelled out: every default, plus libsecret.
    expect(defaults('rpm')).not.toContain('libsecret');
    expect(config.rpm.depends).toEqual([...defaults('rpm'), 'libsecret']);
  });

  it('AppImage: a desktop entry that handles tel:, callto: and sip: and names the app id', async () => {
    const { desktop, desktopFileName } = (await computedLinuxTarget('AppImage')) as {
      desktop: string;
      desktopFileName: string;
    };
    expect(desktopFileName).toBe(packageJson.desktopName);
    const entry = new Map(
      desktop
        .split('\n')
        .filter((line) => line.includes('='))
        .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)] as const),
    );
    const mimeTypes = entry.get('MimeType')!.split(';').filter(Boolean);
    expect(mimeTypes.sort()).toEqual([
      'x-scheme-handler/callto',
      'x-scheme-handler/sip',
      'x-scheme-handler/tel',
    ]);
    expect(entry.get('Exec')).toMatch(/%U$/);
    expect(entry.get('StartupWMClass')).toBe(packageJson.desktopName.replace(/\.desktop$/, ''));
  }, 60_000);

  it('NSIS and MSI: per machine, the MSI wraps the NSIS installer, toasts match the shortcut', () => {
    // electron-builder's MsiWrappedTarget refuses to build without an nsis target listed before it.
    expect(config.win.target).toEqual(['nsis', 'msiWrapped']);
    expect(config.nsis.perMachine).toBe(true);
    expect(config.msiWrapped.perMachine).toBe(true);
    // The installer gives its shortcuts the AppUserModelID APP_ID = appId (templates/nsis/include/
    // installer.nsh, WinShell::SetLnkAUMI); Windows shows a toast only under the id of a shortcut.
    expect(APP_USER_MODEL_ID).toBe(config.appId);
    const installer = readFileSync(
      join(root, 'node_modules/app-builder-lib/templates/nsis/include/installer.nsh'),
      'utf8',
    );
    expect(installer).toContain('WinShell::SetLnkAUMI "$newStartMenuLink" "${APP_ID}"');
  });

  it('DMG: notifications as alerts (Answer and Decline buttons), the microphone explained', () => {
    expect(config.mac.target).toContain('dmg');
    expect(config.mac.extendInfo.NSUserNotificationAlertStyle).toBe('alert');
    expect(config.mac.extendInfo.NSMicrophoneUsageDescription).toMatch(/microphone/i);
    // tel:/callto:/sip: become CFBundleURLTypes from `protocols`.
    expect(config.protocols.flatMap((protocol: { schemes: string[] }) => protocol.schemes).sort()).toEqual([
      'callto',
      'sip',
      'tel',
    ]);
  });
});
