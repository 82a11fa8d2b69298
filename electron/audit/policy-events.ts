import canonicalize from 'canonicalize';
import { createHash } from 'node:crypto';
import type { AuditEventOf } from '../../shared/audit/catalog.js';
import type { PolicyFile, PolicyProblem } from '../../shared/policy/schema.js';

const MAX_KEY_LIST = 2000;

/**
 * Key paths as the catalog's comma-separated list: sorted, once each, characters outside the key
 * alphabet replaced (an unknown key in IT's file may be anything), cut at whole keys to fit.
 */
export function keyList(keys: readonly string[]): string {
  const clean = [...new Set(keys.map((key) => key.replace(/[^A-Za-z0-9_.()-]/g, '_') || '_'))].sort();
  let list = '';
  for (const key of clean) {
    const next = list === '' ? key : `${list},${key}`;
    if (next.length > MAX_KEY_LIST) break;
    list = next;
  }
  return list;
}

/** SHA-256 of the policy's RFC 8785 canonical JSON: which policy was in force, without its values. */
export function policyDigest(file: PolicyFile): string {
  return createHash('sha256')
    .update(canonicalize(file) ?? '{}')
    .digest('hex');
}

/** The top-level keys whose values differ between two policies (set, removed or changed). */
export function changedPolicyKeys(before: PolicyFile, after: PolicyFile): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]) as Set<keyof PolicyFile>;
  return [...keys].filter((key) => canonicalize(before[key]) !== canonicalize(after[key]));
}

export function policyApplied(file: PolicyFile): AuditEventOf<'policy.applied'> {
  return {
    type: 'policy.applied',
    details: { keys: keyList(Object.keys(file)), digest: policyDigest(file) },
  };
}

/** A new valid policy, or null when it changes nothing. */
export function policyChanged(before: PolicyFile, after: PolicyFile): AuditEventOf<'policy.changed'> | null {
  const changed = changedPolicyKeys(before, after);
  if (changed.length === 0) return null;
  return { type: 'policy.changed', details: { keys: keyList(changed), digest: policyDigest(after) } };
}

export function policyInvalid(problems: readonly PolicyProblem[]): AuditEventOf<'policy.invalid'> {
  const keys = problems.map((problem) => problem.key);
  return { type: 'policy.invalid', details: { keys: keyList(keys), count: new Set(keys).size } };
}
