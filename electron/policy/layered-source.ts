import { inStore, policyProblem, type PolicyIssue } from '../../shared/policy/problems.js';
import { parsePolicy, type PolicyFile, type PolicyProblem } from '../../shared/policy/schema.js';
import type { PolicySource } from './source.js';

/** What one store (a registry hive, a managed-preferences file) holds, before validation. */
export type PolicyLayerContent =
  | { status: 'absent' }
  | { status: 'present'; raw: unknown; problems: PolicyProblem[] }
  | { status: 'unreadable'; issue: PolicyIssue };

export interface PolicyLayerSnapshot {
  content: PolicyLayerContent;
  /** Changes whenever the store's content changes (its raw bytes or text): polling compares it. */
  fingerprint: string;
}

/** One store of managed policy, e.g. HKEY_LOCAL_MACHINE\Software\Policies\<Vendor>\<App>. */
export interface PolicyLayer {
  readonly location: string;
  read(): Promise<PolicyLayerSnapshot>;
}

/** Runs `tick` every `ms` milliseconds until the returned function is called (setInterval, or a fake clock). */
export type Every = (tick: () => void, ms: number) => () => void;

export const realEvery: Every = (tick, ms) => {
  const handle = setInterval(tick, ms);
  handle.unref();
  return () => clearInterval(handle);
};

/** The registry and plist files have no portable change notification: they are read again this often. */
export const POLICY_POLL_MS = 30_000;

/** The first layer that sets a top-level key wins it: machine beats user beats defaults, key by key. */
export function mergePolicyLayers(layers: readonly PolicyFile[]): PolicyFile {
  const merged: Record<string, unknown> = {};
  for (const layer of layers) {
    for (const [key, value] of Object.entries(layer)) {
      if (value !== undefined && !(key in merged)) merged[key] = value;
    }
  }
  return merged as PolicyFile;
}

/**
 * A policy source over stores in precedence order (machine first). Each store is validated on its own, so
 * a problem names the store it is in; any problem makes the whole policy invalid (fail closed). Keys merge
 * whole: `provider` comes entirely from one store, never half from the machine and half from the user.
 */
export function layeredPolicySource(
  layers: readonly PolicyLayer[],
  options: { every?: Every; pollMs?: number } = {},
): PolicySource {
  const every = options.every ?? realEvery;
  const pollMs = options.pollMs ?? POLICY_POLL_MS;
  const readAll = () => Promise.all(layers.map((layer) => layer.read()));

  return {
    location: layers.map((layer) => layer.location).join(', then '),
    async read() {
      const snapshots = await readAll();
      const policies: PolicyFile[] = [];
      const problems: PolicyProblem[] = [];
      let present = false;
      snapshots.forEach(({ content }, index) => {
        const where = layers[index]?.location;
        if (content.status === 'absent') return;
        present = true;
        if (content.status === 'unreadable') {
          problems.push(policyProblem('(store)', content.issue, where));
          return;
        }
        const parsed = parsePolicy(content.raw);
        const layerProblems = [...content.problems, ...(parsed.ok ? [] : parsed.problems)];
        problems.push(...layerProblems.map((p) => ({ ...p, message: inStore(p.message, where), where })));
        if (parsed.ok) policies.push(parsed.policy);
      });
      if (problems.length > 0) return { status: 'invalid', problems };
      if (!present) return { status: 'absent' };
      return { status: 'ok', policy: mergePolicyLayers(policies) };
    },
    watch(onChange) {
      let last: string | null = null;
      let busy = false;
      let stopped = false;
      const fingerprint = async () => (await readAll()).map((s) => s.fingerprint).join('\u0000');
      const poll = async () => {
        if (busy || stopped) return;
        busy = true;
        try {
          const current = await fingerprint();
          const changed = last !== null && current !== last;
          last = current;
          if (changed && !stopped) onChange();
        } catch {
          // A store that cannot be read now is read again at the next tick; read() reports it.
        } finally {
          busy = false;
        }
      };
      void poll();
      const stop = every(() => void poll(), pollMs);
      return () => {
        stopped = true;
        stop();
      };
    },
  };
}
