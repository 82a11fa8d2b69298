import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import {
  MACHINE_HIVE,
  POLICY_REGISTRY_KEY,
  policyFromRegistryValues,
  USER_HIVE,
  type RegistryValue,
} from '../../shared/policy/managed-keys.js';
import { policyProblem } from '../../shared/policy/problems.js';
import type { PolicyProblem } from '../../shared/policy/schema.js';
import {
  layeredPolicySource,
  type Every,
  type PolicyLayer,
  type PolicyLayerContent,
} from './layered-source.js';
import { parseRegQueryOutput } from './reg-query.js';
import type { PolicySource } from './source.js';

export interface RegRunResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Runs reg.exe with these arguments. */
export type RunReg = (args: readonly string[]) => Promise<RegRunResult>;

/**
 * reg.exe from System32 by its full path: never whatever `reg` the PATH or the app's folder offers. The
 * usual Windows folder first, so that a changed SystemRoot variable cannot redirect it.
 */
export function regExePath(env: NodeJS.ProcessEnv = process.env): string {
  const usual = 'C:\\Windows\\System32\\reg.exe';
  if (existsSync(usual)) return usual;
  return `${env.SystemRoot ?? 'C:\\Windows'}\\System32\\reg.exe`;
}

export const runRegExe: RunReg = (args) =>
  new Promise((resolve, reject) => {
    execFile(
      regExePath(),
      [...args],
      { windowsHide: true, timeout: 10_000, maxBuffer: 4 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') {
          reject(error);
          return;
        }
        resolve({ exitCode: error ? Number(error.code) : 0, stdout, stderr });
      },
    );
  });

/**
 * The policy values in one `reg query <key> /s` result. Exit code 1 with nothing on stdout is a key that
 * does not exist (reg.exe's message for it is localised, so it is not matched). Values in subkeys are not
 * part of the policy and are reported as unknown.
 */
export function registryLayerContent(key: string, result: RegRunResult): PolicyLayerContent {
  if (result.exitCode === 1 && result.stdout.trim() === '') return { status: 'absent' };
  if (result.exitCode !== 0) {
    return {
      status: 'unreadable',
      issue: {
        code: 'registry-query',
        exitCode: result.exitCode,
        detail: result.stderr.trim() || result.stdout.trim(),
      },
    };
  }
  let listings;
  try {
    listings = parseRegQueryOutput(result.stdout);
  } catch (error) {
    return { status: 'unreadable', issue: { code: 'unreadable', detail: (error as Error).message } };
  }
  const own = new Map<string, RegistryValue>();
  const problems: PolicyProblem[] = [];
  for (const listing of listings) {
    if (listing.path.toLowerCase() === key.toLowerCase()) {
      for (const [name, value] of listing.values) own.set(name, value);
    } else {
      const sub = listing.path.slice(key.length + 1);
      for (const name of listing.values.keys()) {
        problems.push(policyProblem(`${sub}\\${name}`, { code: 'unknown-registry-value', inSubkey: true }));
      }
    }
  }
  if (own.size === 0 && problems.length === 0) return { status: 'absent' };
  const decoded = policyFromRegistryValues(own);
  return { status: 'present', raw: decoded.raw, problems: [...decoded.problems, ...problems] };
}

function registryLayer(hive: string, runReg: RunReg): PolicyLayer {
  const key = `${hive}\\${POLICY_REGISTRY_KEY}`;
  return {
    location: key,
    async read() {
      let result: RegRunResult;
      try {
        result = await runReg(['query', key, '/s']);
      } catch (error) {
        const detail = `reg.exe: ${(error as Error).message}`;
        return {
          content: { status: 'unreadable', issue: { code: 'unreadable', detail } },
          fingerprint: detail,
        };
      }
      return {
        content: registryLayerContent(key, result),
        fingerprint: `${result.exitCode}\n${result.stdout}`,
      };
    },
  };
}

export interface RegistryPolicyDeps {
  runReg?: RunReg;
  every?: Every;
}

/** Windows: HKEY_LOCAL_MACHINE, then HKEY_CURRENT_USER, `Software\Policies\<Vendor>\<App>` (ADMX in build/policy). */
export function registryPolicySource(deps: RegistryPolicyDeps = {}): PolicySource {
  const runReg = deps.runReg ?? runRegExe;
  return layeredPolicySource([registryLayer(MACHINE_HIVE, runReg), registryLayer(USER_HIVE, runReg)], {
    ...(deps.every && { every: deps.every }),
  });
}
