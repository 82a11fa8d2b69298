// Against real dbus-daemon processes (Debian's dbus-daemon, private buses): one plays the system bus, where a
// peer owns org.freedesktop.login1 and answers GetSession as logind documents it (org.freedesktop.login1(5)),
// the other the session bus, where peers own the screen savers' names. Each sends the signals a desktop sends
// when the screen locks.
import { Message, sessionBus, type MessageBus } from '@jellybrick/dbus-next';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LOGIND, watchLinuxSessionLock } from './linux-session-lock.js';

const SESSION_PATH = '/org/freedesktop/login1/session/_33';

let dir: string;
const daemons: ChildProcess[] = [];
const peers: MessageBus[] = [];
let systemAddress: string;
let sessionAddress: string;

async function startBus(name: string): Promise<string> {
  const daemon = spawn(
    'dbus-daemon',
    ['--session', '--nofork', '--print-address=1', `--address=unix:path=${join(dir, name)}`],
    { stdio: ['ignore', 'pipe', 'ignore'] },
  );
  daemons.push(daemon);
  return new Promise((resolve, reject) => {
    daemon.stdout!.once('data', (chunk: Buffer) => resolve(chunk.toString().trim()));
    daemon.once('exit', (code) => reject(new Error(`dbus-daemon exited with ${code}`)));
  });
}

/** A connection that owns `name` on the bus at `address`. */
async function peerOwning(address: string, name: string | null): Promise<MessageBus> {
  const bus = sessionBus({ busAddress: address });
  peers.push(bus);
  if (name) await bus.requestName(name, 0);
  else await new Promise<void>((resolve) => bus.once('connect', () => resolve()));
  return bus;
}

/** logind as its manual describes it: GetSession("auto") returns the session's object path. */
async function startLogind(): Promise<MessageBus> {
  const logind = await peerOwning(systemAddress, LOGIND.name);
  logind.addMethodHandler((message) => {
    if (message.interface !== LOGIND.manager || message.member !== 'GetSession') return false;
    expect(message.body).toEqual(['auto']);
    logind.send(Message.newMethodReturn(message, 'o', [SESSION_PATH]));
    return true;
  });
  return logind;
}

function lockCollector() {
  const locks: string[] = [];
  let waiting: (() => void) | null = null;
  return {
    locks,
    onLock(source: string) {
      locks.push(source);
      waiting?.();
    },
    next: () => new Promise<void>((resolve) => (waiting = resolve)),
  };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dbus-lock-'));
  systemAddress = await startBus('system');
  sessionAddress = await startBus('session');
}, 20_000);

afterEach(() => {
  for (const peer of peers.splice(0)) peer.disconnect();
});

afterAll(async () => {
  for (const daemon of daemons) daemon.kill();
  await rm(dir, { recursive: true, force: true });
});

describe('locking with the OS on Linux, over a real D-Bus', () => {
  it('locks on logind’s Lock signal for this session', async () => {
    const logind = await startLogind();
    const collector = lockCollector();
    const watcher = await watchLinuxSessionLock({
      connectSystem: () => sessionBus({ busAddress: systemAddress }),
      connectSession: () => sessionBus({ busAddress: sessionAddress }),
      onLock: collector.onLock,
      logError: (message, error) => {
        throw new Error(`${message}: ${String(error)}`);
      },
    });
    try {
      const locked = collector.next();
      // `loginctl lock-session`: logind emits Lock on the session object.
      logind.send(Message.newSignal(SESSION_PATH, LOGIND.session, 'Lock'));
      await locked;
      expect(collector.locks).toEqual(['logind']);
    } finally {
      watcher.stop();
    }
  });

  it('ignores Lock of another session, and the same signal from a program that is not logind', async () => {
    const logind = await startLogind();
    const impostor = await peerOwning(systemAddress, null);
    const collector = lockCollector();
    const watcher = await watchLinuxSessionLock({
      connectSystem: () => sessionBus({ busAddress: systemAddress }),
      connectSession: () => sessionBus({ busAddress: sessionAddress }),
      onLock: collector.onLock,
      logError: () => {},
    });
    try {
      impostor.send(Message.newSignal(SESSION_PATH, LOGIND.session, 'Lock'));
      logind.send(Message.newSignal('/org/freedesktop/login1/session/_7', LOGIND.session, 'Lock'));
      // Then the real one: only it counts (the bus keeps each sender's order, and the watcher's).
      const locked = collector.next();
      logind.send(Message.newSignal(SESSION_PATH, LOGIND.session, 'Lock'));
      await locked;
      expect(collector.locks).toEqual(['logind']);
    } finally {
      watcher.stop();
    }
  });

  it.each(['org.freedesktop.ScreenSaver', 'org.gnome.ScreenSaver'])(
    'locks when %s says the screen saver became active, not when it ends',
    async (name) => {
      const saver = await peerOwning(sessionAddress, name);
      const collector = lockCollector();
      const watcher = await watchLinuxSessionLock({
        // No logind here (a desktop without a logind session): that side logs and stays quiet.
        connectSystem: () => sessionBus({ busAddress: `unix:path=${join(dir, 'no-such-bus')}` }),
        connectSession: () => sessionBus({ busAddress: sessionAddress }),
        onLock: collector.onLock,
        logError: () => {},
      });
      try {
        const path = `/${name.replaceAll('.', '/')}`;
        saver.send(Message.newSignal(path, name, 'ActiveChanged', 'b', [false]));
        const locked = collector.next();
        saver.send(Message.newSignal(path, name, 'ActiveChanged', 'b', [true]));
        await locked;
        expect(collector.locks).toEqual(['screensaver']);
      } finally {
        watcher.stop();
      }
    },
  );

  it('reports buses that cannot be reached instead of failing', async () => {
    const errors: string[] = [];
    const watcher = await watchLinuxSessionLock({
      connectSystem: () => sessionBus({ busAddress: `unix:path=${join(dir, 'none-1')}` }),
      connectSession: () => sessionBus({ busAddress: `unix:path=${join(dir, 'none-2')}` }),
      onLock: () => {
        throw new Error('no lock expected');
      },
      logError: (message) => errors.push(message),
    });
    watcher.stop();
    expect(errors.some((message) => message.includes('system bus'))).toBe(true);
    expect(errors.some((message) => message.includes('session bus'))).toBe(true);
  });
});
