import { _electron as electron, type ElectronApplication } from 'playwright-core';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTestKeyring, type TestKeyring } from '../provider/keyring.js';
import { findElectronBinary } from '../support/electron-binary.js';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/** Why the Electron suite cannot run here, or null where an Electron binary exists. */
export function electronMissing(): string | null {
  const binary = findElectronBinary();
  return 'missing' in binary ? binary.missing : null;
}

export interface LaunchedApp {
  app: ElectronApplication;
  /** The private HOME (its XDG folders hold the app's data, apart from the person's). */
  home: string;
  keyring: TestKeyring;
  close(): Promise<void>;
}

/**
 * Starts the built app (`npm run build`) as `electron .` does in development, with its own HOME and a real,
 * unlocked keychain on a private D-Bus, and the given policy (SOFTPHONE_POLICY is honoured in development
 * builds only). `extraArgs` come after the app folder, as the OS passes a tel: link.
 */
export async function launchElectronApp(
  dir: string,
  options: { policy?: object; extraArgs?: string[]; locale?: string } = {},
): Promise<LaunchedApp> {
  const binary = findElectronBinary();
  if ('missing' in binary) throw new Error(binary.missing);
  const home = join(dir, 'home');
  await mkdir(home, { recursive: true });
  const policyPath = join(dir, 'policy.json');
  await writeFile(policyPath, JSON.stringify(options.policy ?? {}));
  const keyring = await startTestKeyring(dir);
  const app = await electron.launch({
    executablePath: binary.path,
    args: [repoRoot, ...(options.extraArgs ?? [])],
    env: {
      ...process.env,
      ...keyring.env,
      HOME: home,
      XDG_CONFIG_HOME: join(home, '.config'),
      XDG_DATA_HOME: join(home, '.local', 'share'),
      LANG: options.locale ?? 'en_US.UTF-8',
      SOFTPHONE_POLICY: policyPath,
    },
  });
  return {
    app,
    home,
    keyring,
    async close() {
      await app.close().catch(() => undefined);
      await keyring.stop();
    },
  };
}
