import { EventEmitter } from 'node:events';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { createCallTracker } from './call-tracker.js';
import {
  applyStartAtLogin,
  autostartEntry,
  confirmQuitDuringCall,
  HIDDEN_FLAG,
  hideOnClose,
  startsHidden,
  type HideableWindow,
} from './background.js';

/** A window whose close can be prevented, as Electron's BrowserWindow documents. */
class FakeWindow extends EventEmitter implements HideableWindow {
  visible = true;
  destroyed = false;
  hide() {
    this.visible = false;
  }
  close() {
    let prevented = false;
    this.emit('close', { preventDefault: () => (prevented = true) });
    if (!prevented) this.destroyed = true;
  }
}

describe('closing the window', () => {
  it('hides it while running in the background, and says so the first time only', () => {
    const window = new FakeWindow();
    const onFirstHide = vi.fn();
    hideOnClose(window, { runInBackground: () => true, quitting: () => false, onFirstHide });
    window.close();
    window.visible = true;
    window.close();
    expect(window.destroyed).toBe(false);
    expect(window.visible).toBe(false);
    expect(onFirstHide).toHaveBeenCalledTimes(1);
  });

  it('closes it when running in the background is off, and while quitting', () => {
    for (const options of [
      { runInBackground: () => false, quitting: () => false },
      { runInBackground: () => true, quitting: () => true },
    ]) {
      const window = new FakeWindow();
      hideOnClose(window, { ...options, onFirstHide: vi.fn() });
      window.close();
      expect(window.destroyed).toBe(true);
    }
  });

  it('starts hidden when started at login', () => {
    expect(startsHidden(['/opt/app', HIDDEN_FLAG], false)).toBe(true);
    expect(startsHidden(['/opt/app'], true)).toBe(true);
    expect(startsHidden(['/opt/app', 'tel:+49301234'], false)).toBe(false);
  });
});

/** Electron's before-quit: listeners may prevent it; quit() emits it again. */
class FakeApp extends EventEmitter {
  quits = 0;
  quitted = false;
  quit() {
    this.quits += 1;
    let prevented = false;
    this.emit('before-quit', { preventDefault: () => (prevented = true) });
    if (!prevented) this.quitted = true;
  }
}

describe('quitting during a call', () => {
  const started = {
    type: 'started',
    callId: 'c1',
    at: 1,
    direction: 'outgoing',
    account: 'sip:ana@example.eu',
    remoteUri: 'sip:+4930123@example.eu',
    remoteName: null,
  } as const;

  it('quits at once without a call', () => {
    const app = new FakeApp();
    const confirm = vi.fn(async () => true);
    const onQuitting = vi.fn();
    confirmQuitDuringCall(app, { activeCalls: () => 0, confirm, onQuitting });
    app.quit();
    expect(app.quitted).toBe(true);
    expect(confirm).not.toHaveBeenCalled();
    expect(onQuitting).toHaveBeenCalled();
  });

  it('asks while a call is in progress; Cancel keeps the app, yes quits', async () => {
    const tracker = createCallTracker(vi.fn());
    tracker.apply(started);
    for (const answer of [false, true]) {
      const app = new FakeApp();
      const onQuitting = vi.fn();
      confirmQuitDuringCall(app, { activeCalls: tracker.active, confirm: async () => answer, onQuitting });
      app.quit();
      expect(app.quitted).toBe(false);
      await vi.waitFor(() => expect(app.quitted || !answer).toBe(true));
      expect(app.quitted).toBe(answer);
      expect(onQuitting).toHaveBeenCalledTimes(answer ? 1 : 0);
    }
    tracker.apply({ type: 'ended', callId: 'c1', at: 2, disposition: 'answered', cause: 'bye' });
    expect(tracker.active()).toBe(0);
  });

  it('asks once when Quit is pressed again while the question is open', () => {
    const app = new FakeApp();
    const confirm = vi.fn(() => new Promise<boolean>(() => {}));
    confirmQuitDuringCall(app, { activeCalls: () => 1, confirm, onQuitting: vi.fn() });
    app.quit();
    app.quit();
    expect(confirm).toHaveBeenCalledTimes(1);
  });

  it('reports incoming calls that ended unanswered as missed, nothing else', () => {
    const onMissed = vi.fn();
    const tracker = createCallTracker(onMissed);
    tracker.apply({ ...started, callId: 'in', direction: 'incoming', remoteName: 'Erika' });
    tracker.apply({ type: 'ended', callId: 'in', at: 3, disposition: 'missed', cause: 'cancel' });
    tracker.apply(started);
    tracker.apply({ type: 'ended', callId: 'c1', at: 3, disposition: 'missed', cause: 'timeout' });
    tracker.apply({ ...started, callId: 'in2', direction: 'incoming' });
    tracker.apply({ type: 'ended', callId: 'in2', at: 4, disposition: 'declined', cause: 'busy' });
    expect(onMissed).toHaveBeenCalledExactlyOnceWith({
      callId: 'in',
      remoteUri: 'sip:+4930123@example.eu',
      remoteName: 'Erika',
    });
  });
});

describe('start at login', () => {
  it('macOS and Windows use Electron’s login item (Windows starts hidden with --hidden)', async () => {
    const calls: unknown[] = [];
    const app = { setLoginItemSettings: (settings: unknown) => calls.push(settings) };
    const common = { app, exec: '/x', autostartDir: '/nowhere', desktopName: 'secure-softphone.desktop' };
    await applyStartAtLogin({ ...common, enabled: true, platform: 'darwin' });
    await applyStartAtLogin({ ...common, enabled: true, platform: 'win32' });
    await applyStartAtLogin({ ...common, enabled: false, platform: 'win32' });
    expect(calls).toEqual([
      { openAtLogin: true },
      { openAtLogin: true, args: [HIDDEN_FLAG] },
      { openAtLogin: false, args: [HIDDEN_FLAG] },
    ]);
  });

  it('Linux writes and removes an XDG autostart entry that starts hidden', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'autostart-'));
    try {
      const options = {
        app: { setLoginItemSettings: vi.fn() },
        platform: 'linux' as const,
        exec: '"/home/ana/Secure Softphone.AppImage"',
        autostartDir: join(dir, 'autostart'),
        desktopName: 'secure-softphone.desktop',
      };
      await applyStartAtLogin({ ...options, enabled: true });
      const file = join(dir, 'autostart', 'secure-softphone.desktop');
      expect(await readFile(file, 'utf8')).toBe(autostartEntry('"/home/ana/Secure Softphone.AppImage"'));
      expect(await readFile(file, 'utf8')).toContain(
        `Exec="/home/ana/Secure Softphone.AppImage" ${HIDDEN_FLAG}`,
      );
      await applyStartAtLogin({ ...options, enabled: false });
      await expect(stat(file)).rejects.toMatchObject({ code: 'ENOENT' });
      await applyStartAtLogin({ ...options, enabled: false });
      expect(options.app.setLoginItemSettings).not.toHaveBeenCalled();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
