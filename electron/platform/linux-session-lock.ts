import { Message, MessageType, sessionBus, systemBus, type MessageBus } from '@jellybrick/dbus-next';
import type { EventEmitter } from 'node:events';

/**
 * Locking with the OS on Linux. Electron's powerMonitor `lock-screen` is macOS and Windows only, so on Linux
 * the app listens on D-Bus itself (with @jellybrick/dbus-next, a maintained, typed fork of dbus-next):
 * - systemd-logind's `Lock` signal on the user's session object (system bus), which `loginctl lock-session`
 *   and most desktops' lock actions send (org.freedesktop.login1(5));
 * - the screen savers' `ActiveChanged(true)` (session bus): the freedesktop.org ScreenSaver interface that
 *   KDE, Xfce and others implement, and GNOME's, MATE's and Cinnamon's own names for it.
 * Either signal locks the app. A desktop without them (no logind session, no screen saver on the bus) just
 * does not lock with the OS; nothing fails.
 */
export const LOGIND = {
  name: 'org.freedesktop.login1',
  path: '/org/freedesktop/login1',
  manager: 'org.freedesktop.login1.Manager',
  session: 'org.freedesktop.login1.Session',
} as const;

/** Screen saver interfaces (well-known name = interface name) and their objects. */
export const SCREEN_SAVERS = [
  { name: 'org.freedesktop.ScreenSaver', path: '/org/freedesktop/ScreenSaver' },
  { name: 'org.gnome.ScreenSaver', path: '/org/gnome/ScreenSaver' },
  { name: 'org.mate.ScreenSaver', path: '/org/mate/ScreenSaver' },
  { name: 'org.cinnamon.ScreenSaver', path: '/org/cinnamon/ScreenSaver' },
] as const;

export interface LinuxSessionLockOptions {
  /** Buses to listen on (default: the system and the session bus of this process's environment). */
  connectSystem?: () => MessageBus;
  connectSession?: () => MessageBus;
  /** The OS locked the session or the screen. */
  onLock(source: 'logind' | 'screensaver'): void;
  logError(message: string, error: unknown): void;
}

function addMatch(bus: MessageBus, rule: string): Promise<unknown> {
  return bus.call(
    new Message({
      destination: 'org.freedesktop.DBus',
      path: '/org/freedesktop/DBus',
      interface: 'org.freedesktop.DBus',
      member: 'AddMatch',
      signature: 's',
      body: [rule],
    }),
  );
}

/** The object path of this user's session: logind's "auto" is the caller's session, or the display one. */
async function logindSessionPath(bus: MessageBus): Promise<string> {
  const reply = await bus.call(
    new Message({
      destination: LOGIND.name,
      path: LOGIND.path,
      interface: LOGIND.manager,
      member: 'GetSession',
      signature: 's',
      body: ['auto'],
    }),
  );
  const path = reply?.body[0];
  if (typeof path !== 'string') throw new Error('logind returned no session path');
  return path;
}

/**
 * The unique bus name that owns a well-known name now, or null. Signals carry the sender's unique name, so
 * a signal counts only when its sender owns the name (another program on the bus cannot lock the app).
 */
async function ownerOf(bus: MessageBus, name: string): Promise<string | null> {
  const reply = await bus
    .call(
      new Message({
        destination: 'org.freedesktop.DBus',
        path: '/org/freedesktop/DBus',
        interface: 'org.freedesktop.DBus',
        member: 'GetNameOwner',
        signature: 's',
        body: [name],
      }),
    )
    .catch(() => null);
  const owner = reply?.body[0];
  return typeof owner === 'string' ? owner : null;
}

async function watchLogind(bus: MessageBus, options: LinuxSessionLockOptions): Promise<void> {
  const sessionPath = await logindSessionPath(bus);
  await addMatch(
    bus,
    `type='signal',sender='${LOGIND.name}',interface='${LOGIND.session}',member='Lock',path='${sessionPath}'`,
  );
  bus.on('message', (message) => {
    if (
      message.type === MessageType.SIGNAL &&
      message.interface === LOGIND.session &&
      message.member === 'Lock' &&
      message.path === sessionPath
    )
      void ownerOf(bus, LOGIND.name).then((owner) => {
        if (owner !== null && owner === message.sender) options.onLock('logind');
      });
  });
}

async function watchScreenSavers(bus: MessageBus, options: LinuxSessionLockOptions): Promise<void> {
  for (const saver of SCREEN_SAVERS)
    await addMatch(
      bus,
      `type='signal',sender='${saver.name}',interface='${saver.name}',member='ActiveChanged'`,
    );
  bus.on('message', (message) => {
    const saver = SCREEN_SAVERS.find((candidate) => candidate.name === message.interface);
    if (
      !saver ||
      message.type !== MessageType.SIGNAL ||
      message.member !== 'ActiveChanged' ||
      message.body[0] !== true
    )
      return;
    void ownerOf(bus, saver.name).then((owner) => {
      if (owner !== null && owner === message.sender) options.onLock('screensaver');
    });
  });
}

/** Connects, subscribes to both kinds of signal, and returns how to stop. Errors are logged, never thrown. */
export async function watchLinuxSessionLock(options: LinuxSessionLockOptions): Promise<{ stop(): void }> {
  const buses: MessageBus[] = [];
  const connect = (
    role: string,
    make: () => MessageBus,
    watch: (bus: MessageBus, options: LinuxSessionLockOptions) => Promise<void>,
  ) => {
    let bus: MessageBus;
    try {
      bus = make();
    } catch (error) {
      options.logError(`No ${role} bus: the app does not lock with the OS through it`, error);
      return Promise.resolve();
    }
    buses.push(bus);
    // Without a listener an 'error' (no such socket, connection lost) would end the main process. The bus
    // emits its connection's errors although its event types do not list 'error'.
    const events: EventEmitter = bus;
    // A bus that cannot be reached fails its pending calls never: its first error ends the subscription.
    const unreachable = new Promise<never>((_, reject) => events.once('error', reject));
    unreachable.catch(() => undefined);
    events.on('error', (error: unknown) =>
      options.logError(`The ${role} bus failed: the app does not lock with the OS through it`, error),
    );
    return Promise.race([watch(bus, options), unreachable]).catch((error: unknown) =>
      options.logError(`Listening for the OS lock on the ${role} bus failed`, error),
    );
  };
  await Promise.all([
    connect('system', options.connectSystem ?? (() => systemBus()), watchLogind),
    connect('session', options.connectSession ?? (() => sessionBus()), watchScreenSavers),
  ]);
  return {
    stop() {
      for (const bus of buses) bus.disconnect();
    },
  };
}
