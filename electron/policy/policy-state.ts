import type { AuditEvent } from '../../shared/audit/catalog.js';
import { resolvePolicy, type EffectivePolicy, type PolicyFile } from '../../shared/policy/schema.js';
import type { HandlersFor } from '../ipc/router.js';
import { policyApplied, policyChanged, policyInvalid } from '../audit/policy-events.js';
import { recordBeforeStopping } from '../audit/record-before-stopping.js';
import type { SecretStore } from '../secrets/secret-store.js';
import { InvalidPolicyError, type PolicySource } from './source.js';

export interface PolicyStateDeps {
  source: PolicySource;
  /** Where an invalid policy at start is recorded before the app stops (the encrypted database). */
  databasePath: string;
  secrets: SecretStore;
  appVersion: string;
  now(): number;
}

/** The managed policy in force: read once at start, then followed while the app runs. */
export interface PolicyState {
  /** The policy as IT wrote it (what settings and audit events compare). */
  file(): PolicyFile;
  /** With the defaults filled in: what every service obeys. */
  effective(): EffectivePolicy;
  /** `policy.applied` for the policy the app started with. */
  appliedEvent(): AuditEvent;
  handlers: HandlersFor<'policy.get'>;
  /**
   * Follows the source: a valid change becomes the policy in force (recorded as `policy.changed` when it
   * changes something) and `onChanged` runs; an invalid one keeps the last valid policy (fail closed) and is
   * recorded once per invalid file. Returns a function that stops watching.
   */
  watch(reactions: {
    record(event: AuditEvent): void;
    logError(message: string, error: unknown): void;
    onChanged(): void;
  }): () => void;
}

/** The policy at start; one that does not validate stops the app (fail closed), recorded in the audit log first. */
async function readPolicyOrThrow(deps: PolicyStateDeps): Promise<PolicyFile> {
  const result = await deps.source.read();
  if (result.status === 'invalid') {
    await recordBeforeStopping(
      { databasePath: deps.databasePath, secrets: deps.secrets, appVersion: deps.appVersion, now: deps.now },
      policyInvalid(result.problems),
    );
    throw new InvalidPolicyError(deps.source.location, result.problems);
  }
  return result.status === 'ok' ? result.policy : {};
}

export async function createPolicyState(deps: PolicyStateDeps): Promise<PolicyState> {
  let file = await readPolicyOrThrow(deps);
  const initial = file;
  return {
    file: () => file,
    effective: () => resolvePolicy(file),
    appliedEvent: () => policyApplied(initial),
    handlers: { 'policy.get': () => resolvePolicy(file) },
    watch({ record, logError, onChanged }) {
      let lastInvalidKeys: string | null = null;
      return deps.source.watch(() => {
        void deps.source.read().then((result) => {
          if (result.status === 'invalid') {
            logError(
              `Policy in ${deps.source.location} is invalid`,
              new InvalidPolicyError(deps.source.location, result.problems),
            );
            // Once per invalid file, not on every change notification about it.
            const invalid = policyInvalid(result.problems);
            if (invalid.details.keys !== lastInvalidKeys) record(invalid);
            lastInvalidKeys = invalid.details.keys;
            return;
          }
          lastInvalidKeys = null;
          const next = result.status === 'ok' ? result.policy : {};
          const changed = policyChanged(file, next);
          if (changed) record(changed);
          file = next;
          onChanged();
        });
      });
    },
  };
}
