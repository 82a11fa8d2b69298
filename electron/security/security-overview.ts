import type { AuditSyncStatus } from '../../shared/audit/sync-state.js';
import type { StorageStatus } from '../../shared/domain/history.js';
import type { TlsProbeResult } from '../../shared/domain/sip-account.js';
import type { EffectivePolicy, PolicyFile } from '../../shared/policy/schema.js';
import type { SecurityOverview } from '../../shared/security/overview.js';
import type { HandlersFor } from '../ipc/router.js';
import type { HistoryStore } from '../storage/history.js';

export interface SecurityOverviewDeps {
  platform: NodeJS.Platform;
  policy(): EffectivePolicy;
  policyFile(): PolicyFile;
  /** Where the policy is read from (electron/policy/source.ts). */
  policyLocation: string;
  storage: { status(): StorageStatus; keychainUsable(): boolean; history(): HistoryStore | null };
  auditStatus(): AuditSyncStatus;
  /** The SIP server of the account in use (electron/net/connect-policy.ts). */
  accountUrl(): string | null;
  /** Main's TLS probe of that server, with the app's trust (rate-limited, electron/net/tls-probe-handler.ts). */
  probe(url: string): Promise<TlsProbeResult>;
}

function keychainBackend(platform: NodeJS.Platform): SecurityOverview['keychain']['backend'] {
  if (platform === 'linux') return 'secret-service';
  if (platform === 'darwin') return 'macos-keychain';
  if (platform === 'win32') return 'windows-credential-manager';
  return 'other';
}

function hostOf(url: string | undefined): string | null {
  if (!url) return null;
  try {
    return new URL(url).host;
  } catch {
    return null;
  }
}

/** `security.overview`: the Security and privacy screen's facts, each read from the unit that owns it now. */
export function securityOverviewHandler(deps: SecurityOverviewDeps): HandlersFor<'security.overview'> {
  const connection = async (): Promise<SecurityOverview['connection']> => {
    const policy = deps.policy();
    const server = deps.accountUrl();
    const trust = { pinned: policy.pinnedSpkiSha256.length > 0, extraCas: policy.extraCaCertificates.length };
    if (server === null) return { server: null, outcome: null, protocol: null, issuer: null, ...trust };
    const probe = await deps.probe(server).catch((): TlsProbeResult | null => null);
    return {
      server: new URL(server).origin,
      outcome: probe?.outcome ?? null,
      protocol: probe?.protocol ?? null,
      issuer: probe?.issuer ?? null,
      ...trust,
    };
  };
  return {
    'security.overview': async () => {
      const policy = deps.policy();
      const [last] = deps.storage.history()?.list({ filter: 'all', limit: 1 }) ?? [];
      return {
        connection: await connection(),
        lastCall: last
          ? {
              at: last.startedAt,
              dtlsState: last.dtlsState,
              srtpCipher: last.srtpCipher,
              encryptionScope: last.encryptionScope,
              sasMatched: last.sasMatched,
            }
          : null,
        database: deps.storage.status(),
        keychain: { backend: keychainBackend(deps.platform), usable: deps.storage.keychainUsable() },
        policy: { location: deps.policyLocation, keys: Object.keys(deps.policyFile()).sort() },
        audit: deps.auditStatus(),
        auditReceiver: hostOf(policy.provider?.apiBaseUrl),
        lock: { idleLockMinutes: policy.idleLockMinutes, sessionMaxAgeHours: policy.sessionMaxAgeHours },
        retention: {
          historyRetentionDays: policy.historyRetentionDays,
          auditRetentionDays: policy.auditRetentionDays,
        },
      };
    },
  };
}
