import { watch, type FSWatcher } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { jsonErrorPosition, policyProblem } from '../../shared/policy/problems.js';
import { parsePolicy, type PolicyFile, type PolicyProblem } from '../../shared/policy/schema.js';

export type PolicyReadResult =
  | { status: 'absent' }
  | { status: 'ok'; policy: PolicyFile }
  | { status: 'invalid'; problems: PolicyProblem[] };

/** Where managed policy comes from; one implementation per platform format. */
export interface PolicySource {
  /** A human-readable location, for messages to IT ("/etc/secure-softphone/policy.json"). */
  readonly location: string;
  read(): Promise<PolicyReadResult>;
  /** Calls back when the policy may have changed; returns a function that stops watching. */
  watch(onChange: () => void): () => void;
}

export const LINUX_POLICY_PATH = '/etc/secure-softphone/policy.json';

/** A JSON policy file (the Linux format, and what the browser shell's `--policy` takes). */
export function filePolicySource(path: string): PolicySource {
  return {
    location: path,
    async read() {
      let text: string;
      try {
        text = await readFile(path, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { status: 'absent' };
        return {
          status: 'invalid',
          problems: [policyProblem('(file)', { code: 'unreadable', detail: (error as Error).message })],
        };
      }
      let raw: unknown;
      try {
        raw = JSON.parse(text);
      } catch (error) {
        return {
          status: 'invalid',
          problems: [policyProblem('(file)', { code: 'invalid-json', position: jsonErrorPosition(error) })],
        };
      }
      const parsed = parsePolicy(raw);
      return parsed.ok
        ? { status: 'ok', policy: parsed.policy }
        : { status: 'invalid', problems: parsed.problems };
    },
    watch(onChange) {
      // Watch the directory: editors and config management replace the file rather than write it in place.
      let watcher: FSWatcher | null = null;
      try {
        watcher = watch(dirname(path), (_event, name) => {
          if (name === null || name === basename(path)) onChange();
        });
      } catch {
        return () => {};
      }
      return () => watcher?.close();
    },
  };
}

/** Thrown at start-up when the policy does not validate: the app fails closed and names each bad key. */
export class InvalidPolicyError extends Error {
  constructor(
    readonly location: string,
    readonly problems: PolicyProblem[],
  ) {
    super(`Invalid policy in ${location}: ${problems.map((p) => `${p.key} ${p.message}`).join('; ')}`);
    this.name = 'InvalidPolicyError';
  }
}
