import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { TestKeyring } from '../e2e/provider/keyring.js';
import { createKeytarSecretStore } from '../electron/secrets/secret-store.js';

const run = promisify(execFile);
const probeScript = fileURLToPath(new URL('./keychain-probe.ts', import.meta.url));

/** The demo's secrets (database key, tokens, SIP credentials) go under this service name. */
export const DEMO_SECRET_SERVICE = 'secure-softphone-demo';

export type DemoKeychain = { kind: 'session'; clear(): Promise<void> } | { kind: 'private'; reason: string };

/** Why this session's keychain cannot serve, or null when a probe stored and read back a secret. */
async function sessionKeychainProblem(env: NodeJS.ProcessEnv): Promise<string | null> {
  const bus = env.DBUS_SESSION_BUS_ADDRESS;
  if (!bus) return 'this session has no D-Bus session bus';
  // An abstract socket lives in the network namespace it was made in; the demo runs in a namespace of its own.
  if (!/(^|;)unix:path=/.test(bus)) return `the session bus (${bus}) is out of the demo's network namespace`;
  try {
    await run(process.execPath, ['--import', 'tsx', probeScript, DEMO_SECRET_SERVICE], {
      env,
      timeout: 10_000,
    });
    return null;
  } catch (error) {
    const { stdout, killed } = error as { stdout?: string; killed?: boolean };
    return killed
      ? 'the keychain did not answer within 10 s'
      : `the keychain refused (${stdout?.trim() || 'error'})`;
  }
}

/**
 * This session's keychain when it works (the demo's items are removed again at the end), else the stack's
 * private gnome-keyring, which ends with the demo.
 */
export async function chooseKeychain(privateKeyring: TestKeyring): Promise<DemoKeychain> {
  const problem = await sessionKeychainProblem(process.env);
  if (problem === null) {
    const { clear } = createKeytarSecretStore({ service: DEMO_SECRET_SERVICE });
    // Left over from a demo that did not end cleanly.
    await clear();
    return { kind: 'session', clear };
  }
  Object.assign(process.env, privateKeyring.env);
  return { kind: 'private', reason: problem };
}
