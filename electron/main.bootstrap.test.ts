// The built main process (scripts/build-electron.mjs, the bundle `dist/electron/main.cjs` is made by) loaded
// under Node with a stand-in for the `electron` module (testing/electron-stand-in.ts, typed against
// electron.d.ts). It catches wiring mistakes that type checks miss: what runs before and after `ready`, where
// a failing start goes, whether quitting waits for the services. It does not claim to be Electron: windows,
// Chromium and the OS are not there. The services behind it are the real ones, with a real keychain
// (gnome-keyring on a private D-Bus) and a real encrypted database in a temporary folder.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestKeyring, type TestKeyring } from '../e2e/provider/keyring.js';
import {
  createElectronStandIn,
  loadMainWithStandIn,
  type ElectronStandIn,
  type StandInOptions,
} from '../testing/electron-stand-in.js';
import { createKeytarSecretStore } from './secrets/secret-store.js';

const root = fileURLToPath(new URL('..', import.meta.url));
let buildDir: string;
let work: string;
let keyring: TestKeyring;
let standIn: ElectronStandIn | null = null;

beforeAll(async () => {
  // Inside the repository, so that the bundle's external modules (keytar, SQLCipher) resolve as in the app.
  await mkdir(join(root, 'dist'), { recursive: true });
  buildDir = await mkdtemp(join(root, 'dist', 'bootstrap-test-'));
  execFileSync(process.execPath, [join(root, 'scripts', 'build-electron.mjs'), buildDir], { cwd: root });
  work = await mkdtemp(join(tmpdir(), 'bootstrap-'));
  keyring = await startTestKeyring(work);
  process.env.DBUS_SESSION_BUS_ADDRESS = keyring.busAddress;
}, 60_000);

afterAll(async () => {
  await keyring?.stop();
  await rm(buildDir, { recursive: true, force: true });
  await rm(work, { recursive: true, force: true });
});

afterEach(async () => {
  // A run that ended without quitting (a failed start) leaves its services as a crashed process would.
  if (standIn && standIn.state.exitCode === null) {
    standIn.app.quit();
    await standIn.waitFor('quit');
  }
  standIn = null;
  delete process.env.SOFTPHONE_POLICY;
  await createKeytarSecretStore({ service: 'secure-softphone (dev)' }).clear();
});

/** Starts main as `electron .` would in development, with this policy file, and makes the app ready. */
async function launch(policy: unknown, options: Partial<StandInOptions> = {}): Promise<ElectronStandIn> {
  const home = await mkdtemp(join(work, 'home-'));
  const policyPath = join(home, 'policy.json');
  await writeFile(policyPath, JSON.stringify(policy));
  process.env.SOFTPHONE_POLICY = policyPath;
  standIn = createElectronStandIn({ isPackaged: false, appPath: root, home, ...options });
  loadMainWithStandIn(join(buildDir, 'main.cjs'), standIn);
  standIn.app.becomeReady();
  return standIn;
}

const indexOf = (journal: string[], entry: string | RegExp) =>
  journal.findIndex((line) => (typeof entry === 'string' ? line === entry : entry.test(line)));

// Each test starts the real services (keychain probe, SQLCipher, policy watch): seconds on a loaded machine.
describe('main process bootstrap (built bundle, stand-in electron)', { timeout: 60_000 }, () => {
  it('does before ready only what must come before it, and builds the window after it', async () => {
    const run = await launch({});
    await run.waitFor('window.show');
    const { journal } = run.state;
    const ready = journal.indexOf('--- ready ---');
    // Before ready: the privileged scheme, the sandbox, the profile folder, then the single-instance lock.
    for (const entry of [
      'protocol.registerSchemesAsPrivileged(app)',
      'app.enableSandbox',
      'app.setPath(userData)',
      'app.requestSingleInstanceLock',
      'app.whenReady',
    ])
      expect(indexOf(journal, entry), entry).toBeGreaterThanOrEqual(0);
    for (const entry of ['protocol.registerSchemesAsPrivileged(app)', 'app.enableSandbox', 'app.whenReady'])
      expect(indexOf(journal, entry), entry).toBeLessThan(ready);
    // userData is moved before anything reads it, the single-instance lock included (it lives there).
    expect(indexOf(journal, 'app.setPath(userData)')).toBeLessThan(
      indexOf(journal, 'app.requestSingleInstanceLock'),
    );
    expect(run.state.paths.get('userData')).toMatch(/Secure Softphone \(dev\)$/);
    // After ready, in this order: the app:// handler and permissions, IPC, the menu, the window, its page.
    const after = [
      'protocol.handle(app)',
      'session.setPermissionRequestHandler',
      'ipcMain.handle(softphone:invoke)',
      'Menu.setApplicationMenu',
      'new BrowserWindow(devTools=true)',
      'window.loadURL(app://softphone/index.html)',
      'window.show',
    ];
    const positions = after.map((entry) => indexOf(journal, entry));
    for (const [i, entry] of after.entries()) expect(positions[i], entry).toBeGreaterThan(ready);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(run.state.exitCode).toBeNull();
  });

  it('sends an error thrown inside start() to fail(): the message, the lock released, exit code 1', async () => {
    const run = await launch(
      {},
      { loadURL: () => Promise.reject(new Error('ERR_FILE_NOT_FOUND (-6) loading app://softphone')) },
    );
    await run.waitFor('app.exit(1)');
    expect(run.state.errorBoxes).toEqual([
      {
        title: 'Secure Softphone cannot start',
        content: expect.stringContaining('ERR_FILE_NOT_FOUND'),
      },
    ]);
    const { journal } = run.state;
    expect(indexOf(journal, 'dialog.showErrorBox')).toBeLessThan(indexOf(journal, 'app.exit(1)'));
    expect(indexOf(journal, 'app.releaseSingleInstanceLock')).toBeGreaterThanOrEqual(0);
    expect(indexOf(journal, 'app.releaseSingleInstanceLock')).toBeLessThan(indexOf(journal, 'app.exit(1)'));
    expect(run.state.singleInstanceLock).toBe(false);
    expect(run.state.exitCode).toBe(1);
  });

  it('shows an invalid policy in a box, in the system language, and exits without a window', async () => {
    const run = await launch({ colour: 'red', idleLockMinutes: 0 }, { systemLanguages: ['de-DE', 'en-US'] });
    await run.waitFor('app.exit(1)');
    expect(run.state.errorBoxes).toHaveLength(1);
    const [box] = run.state.errorBoxes;
    expect(box!.title).toBe('Secure Softphone kann nicht starten');
    expect(box!.content).toContain('ist ungültig');
    expect(box!.content).toContain('• colour: ist kein bekannter Richtlinienschlüssel');
    expect(box!.content).toContain('• idleLockMinutes: muss mindestens 1 sein');
    expect(run.state.windows).toEqual([]);
    expect(run.state.singleInstanceLock).toBe(false);
  });

  it('quits only after the services have closed: the database is closed before the process ends', async () => {
    const run = await launch({});
    await run.waitFor('window.show');
    const database = join(run.state.paths.get('userData')!, 'softphone.db');
    // The encrypted database is open (SQLCipher in WAL mode keeps its -wal file while open).
    expect(existsSync(`${database}-wal`)).toBe(true);
    let walAtQuit: boolean | null = null;
    run.app.once('quit', () => (walAtQuit = existsSync(`${database}-wal`)));
    run.app.quit();
    // The first will-quit is held back while dispose() runs...
    expect(run.state.journal.at(-1)).toBe('will-quit prevented');
    expect(run.state.exitCode).toBeNull();
    // ...then main quits again, and this time it goes through.
    await run.waitFor('quit');
    expect(run.state.journal.filter((line) => line === 'app.quit')).toHaveLength(2);
    // The last connection closed (SQLite removes the -wal file then): dispose() had finished.
    expect(walAtQuit).toBe(false);
    expect(run.state.exitCode).toBe(0);
  });

  it('asks Local Network Access for the app only when its SIP edge is on the local network', async () => {
    const provider = {
      issuer: 'https://login.provider.example',
      clientId: 'secure-softphone',
      apiBaseUrl: 'https://api.provider.example',
    };
    const ask = async (
      run: ElectronStandIn,
      permission: 'local-network' | 'loopback-network',
      url: string,
    ) => {
      const handler = run.state.permissionRequestHandler!;
      const window = run.state.windows[0]!;
      return new Promise<boolean>((resolve) =>
        handler(window.webContents, permission, resolve, {
          isMainFrame: true,
          requestingUrl: url,
        }),
      );
    };
    const onPremises = await launch({ provider: { ...provider, wssUrl: 'wss://127.0.0.1:7443' } });
    await onPremises.waitFor('window.show');
    expect(await ask(onPremises, 'loopback-network', 'app://softphone/index.html')).toBe(true);
    expect(await ask(onPremises, 'loopback-network', 'https://evil.example/')).toBe(false);
    expect(await ask(onPremises, 'local-network', 'app://softphone/index.html')).toBe(false);
    onPremises.app.quit();
    await onPremises.waitFor('quit');

    const hosted = await launch({ provider: { ...provider, wssUrl: 'wss://203.0.113.9:7443' } });
    await hosted.waitFor('window.show');
    expect(await ask(hosted, 'loopback-network', 'app://softphone/index.html')).toBe(false);
    expect(await ask(hosted, 'local-network', 'app://softphone/index.html')).toBe(false);
  });

  it('runs in the background: closing hides, the tray shows the line, Quit asks during a call', async () => {
    const run = await launch({});
    await run.waitFor('window.show');
    const invoke = (channel: string, input: unknown) =>
      run.state.invokeHandler!({ senderFrame: { url: 'app://softphone/index.html' } }, channel, input);
    // The first run asks about phone links once (the stand-in answers No).
    await run.waitFor(/^dialog\.showMessageBox\(Open phone number links/);
    expect(run.state.journal).not.toContain('app.setAsDefaultProtocolClient(tel)');

    const window = run.state.windows[0]!;
    window.close();
    expect(window.isDestroyed()).toBe(false);
    expect(window.isVisible()).toBe(false);

    const tray = run.state.trays[0]!;
    expect(tray.tooltip).toBe('Secure Softphone – Offline');
    expect(tray.menu.map((item) => item.label).filter(Boolean)).toEqual([
      'Secure Softphone – Offline',
      'Show Secure Softphone',
      'Do Not Disturb',
      'Lock',
      'Quit',
    ]);
    expect(await invoke('phone.registrationChanged', { state: 'registered' })).toEqual({
      ok: true,
      value: undefined,
    });
    expect(tray.tooltip).toBe('Secure Softphone – Ready for calls');
    tray.press('Do Not Disturb');
    await vi.waitFor(() =>
      expect(tray.tooltip).toBe('Secure Softphone – Ready for calls – Do Not Disturb is on'),
    );
    tray.press('Show Secure Softphone');
    expect(window.isVisible()).toBe(true);

    // Global shortcuts reach the window as call.shortcut.
    run.state.globalShortcuts.get('CommandOrControl+Alt+Shift+A')!();
    expect(window.webContents.sent.at(-1)).toEqual({
      channel: 'softphone:event',
      args: ['call.shortcut', { action: 'answer' }],
    });

    await invoke('call.report', {
      type: 'started',
      callId: 'c1',
      at: Date.now(),
      direction: 'outgoing',
      account: 'sip:ana@example.eu',
      remoteUri: 'sip:bob@example.eu',
      remoteName: null,
    });
    run.state.messageBoxAnswer = 1;
    tray.press('Quit');
    await run.waitFor(/^dialog\.showMessageBox\(A call is in progress/);
    expect(run.state.journal.at(-1)).toBe('before-quit prevented');
    // The answer (Cancel) settles in promise callbacks: let them run before asking again.
    await new Promise((resolve) => setImmediate(resolve));
    expect(run.state.exitCode).toBeNull();
    run.state.messageBoxAnswer = 0;
    tray.press('Quit');
    await run.waitFor('quit');
    expect(run.state.exitCode).toBe(0);
  });

  it('in an installed build: Electron’s own data folder, no DevTools and no reload in the menu', async () => {
    const run = await launch({}, { isPackaged: true });
    await run.waitFor('window.show');
    expect(run.state.journal).not.toContain('app.setPath(userData)');
    expect(run.state.journal).toContain('new BrowserWindow(devTools=false)');
    const roles: string[] = [];
    const walk = (items: Electron.MenuItemConstructorOptions[]) => {
      for (const item of items) {
        if (item.role) roles.push(item.role);
        if (Array.isArray(item.submenu)) walk(item.submenu);
      }
    };
    walk(run.state.applicationMenu ?? []);
    expect(roles).toContain('quit');
    expect(roles.filter((role) => /reload|devtools/i.test(role))).toEqual([]);
  });
});
