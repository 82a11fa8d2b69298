import { execFile } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { spawnManaged, stopProcess } from './processes.js';

const run = promisify(execFile);

export interface TestKeyring {
  /** DBUS_SESSION_BUS_ADDRESS of the private bus. */
  busAddress: string;
  /** Environment for processes that should use this keyring. */
  env: Record<string, string>;
  pids: number[];
  stop(): Promise<void>;
}

async function waitForSecretService(busAddress: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { stdout } = await run('dbus-send', [
      `--bus=${busAddress}`,
      '--print-reply',
      '--dest=org.freedesktop.DBus',
      '/org/freedesktop/DBus',
      'org.freedesktop.DBus.NameHasOwner',
      'string:org.freedesktop.secrets',
    ]).catch(() => ({ stdout: '' }));
    if (stdout.includes('boolean true')) return;
    if (Date.now() > deadline)
      throw new Error('gnome-keyring did not provide org.freedesktop.secrets in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * A real, unlocked Secret Service for tests: a private D-Bus session bus and gnome-keyring-daemon with
 * its own HOME, started here and stopped by PID (FIELD-NOTES: keychain).
 */
export async function startTestKeyring(dir: string): Promise<TestKeyring> {
  const home = join(dir, 'keyring-home');
  await mkdir(join(home, '.local', 'share', 'keyrings'), { recursive: true });
  const env = {
    ...process.env,
    HOME: home,
    XDG_DATA_HOME: join(home, '.local', 'share'),
    XDG_RUNTIME_DIR: home,
  };

  const bus = spawnManaged(
    'dbus-daemon',
    ['--session', '--nofork', '--print-address=1', `--address=unix:path=${join(dir, 'bus')}`],
    { env },
  );
  const busAddress = await new Promise<string>((resolve, reject) => {
    bus.stdout!.once('data', (chunk: Buffer) => {
      resolve(chunk.toString().trim());
      bus.stdout!.resume();
    });
    bus.once('exit', (code) => reject(new Error(`dbus-daemon exited with ${code}`)));
  });

  // The password on stdin unlocks the login keyring; the control directory in the run's folder also tells
  // this daemon from other runs' on its command line.
  const keyring = spawnManaged(
    'gnome-keyring-daemon',
    ['--foreground', '--unlock', '--components=secrets', `--control-directory=${join(home, 'keyring')}`],
    {
      env: { ...env, DBUS_SESSION_BUS_ADDRESS: busAddress },
      input: 'test-keyring-password',
      output: 'ignore',
    },
  );
  try {
    await waitForSecretService(busAddress, 10_000);
  } catch (error) {
    await stopProcess(keyring);
    await stopProcess(bus);
    throw error;
  }
  return {
    busAddress,
    env: { DBUS_SESSION_BUS_ADDRESS: busAddress },
    pids: [keyring.pid!, bus.pid!],
    async stop() {
      await stopProcess(keyring);
      await stopProcess(bus);
    },
  };
}
