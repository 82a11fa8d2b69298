import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  appImageDesktopEntry,
  createDialLinkRegistration,
  type DialLinkApp,
  type DialLinkRegistrationDeps,
} from './dial-link-registration.js';

/** The OS's handler table as Electron's app reaches it. */
class FakeApp implements DialLinkApp {
  readonly calls: unknown[][] = [];
  readonly handlers = new Map<string, string>();
  constructor(readonly isPackaged: boolean) {}
  setAsDefaultProtocolClient(protocol: string, path?: string, args?: string[]): boolean {
    this.calls.push([protocol, ...(path === undefined ? [] : [path, args])]);
    this.handlers.set(protocol, JSON.stringify([path, args]));
    return true;
  }
  isDefaultProtocolClient(protocol: string, path?: string, args?: string[]): boolean {
    return this.handlers.get(protocol) === JSON.stringify([path, args]);
  }
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dial-links-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function setUp(
  overrides: Partial<Omit<DialLinkRegistrationDeps, 'app'>> & { answer?: boolean; isPackaged?: boolean } = {},
) {
  const app = new FakeApp(overrides.isPackaged ?? true);
  const ask = vi.fn(async () => overrides.answer ?? true);
  const registration = createDialLinkRegistration({
    app,
    platform: 'linux',
    execPath: '/usr/lib/electron/electron',
    appPath: '/src/softphone',
    choiceFile: join(dir, 'userData', 'dial-links.json'),
    desktopName: 'secure-softphone.desktop',
    applicationsDir: join(dir, 'applications'),
    ask,
    ...overrides,
  });
  return { app, ask, registration };
}

describe('phone links: registration with consent', () => {
  it('asks on the first run and registers tel:, callto: and sip: on yes', async () => {
    const { app, ask, registration } = setUp();
    expect(registration.state().handled).toBe('no');
    expect(await registration.askOnFirstRun()).toBe('accepted');
    expect(ask).toHaveBeenCalledTimes(1);
    expect(app.calls).toEqual([['tel'], ['callto'], ['sip']]);
    expect(registration.state()).toEqual({ handled: 'yes', confirmInSystemSettings: false });
  });

  it('never asks or registers again on later starts, whatever the answer was', async () => {
    for (const answer of [true, false]) {
      const first = setUp({ answer });
      await first.registration.askOnFirstRun();
      const later = setUp({ answer });
      expect(await later.registration.askOnFirstRun()).toBe(answer ? 'accepted' : 'declined');
      expect(later.ask).not.toHaveBeenCalled();
      expect(later.app.calls).toEqual([]);
      await rm(join(dir, 'userData'), { recursive: true });
    }
  });

  it('registers nothing on no; Settings can still do it later', async () => {
    const { app, registration } = setUp({ answer: false });
    expect(await registration.askOnFirstRun()).toBe('declined');
    expect(app.calls).toEqual([]);
    expect(await registration.register()).toEqual({ handled: 'yes', confirmInSystemSettings: false });
  });

  it('registers the Electron binary with the app folder in development', async () => {
    const { app, registration } = setUp({ isPackaged: false });
    await registration.register();
    expect(app.calls[0]).toEqual(['tel', '/usr/lib/electron/electron', ['/src/softphone']]);
    expect(registration.state().handled).toBe('yes');
  });

  it('Windows: says that the person confirms the choice in the system settings', async () => {
    const { registration } = setUp({ platform: 'win32' });
    expect((await registration.register()).confirmInSystemSettings).toBe(true);
  });

  it('AppImage: writes the .desktop file that xdg-settings names before registering', async () => {
    const appImage = '/home/ana/Apps/Secure Softphone-0.1.0.AppImage';
    const { registration } = setUp({ appImage });
    await registration.register();
    const entryPath = join(dir, 'applications', 'secure-softphone.desktop');
    const entry = await readFile(entryPath, 'utf8');
    expect(entry).toBe(appImageDesktopEntry(appImage, 'secure-softphone.desktop'));
    expect(entry).toContain('Exec="/home/ana/Apps/Secure Softphone-0.1.0.AppImage" %U');
    expect(entry).toContain('MimeType=x-scheme-handler/tel;x-scheme-handler/callto;x-scheme-handler/sip;');
    expect((await stat(entryPath)).mode & 0o777).toBe(0o644);
  });

  it('quotes an AppImage path as the desktop entry specification asks', () => {
    expect(appImageDesktopEntry('/opt/a"b$c`d\\e.AppImage', 'x.desktop')).toContain(
      'Exec="/opt/a\\"b\\$c\\`d\\\\e.AppImage" %U',
    );
  });
});
