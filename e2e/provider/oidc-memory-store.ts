import type { Adapter, AdapterPayload } from 'oidc-provider';

interface Entry {
  payload: AdapterPayload;
  /** Epoch milliseconds; Infinity for entries without a lifetime. */
  expiresAt: number;
}

/**
 * The login broker's storage for oidc-provider: one store per broker (the library's own memory adapter
 * shares a module-wide LRU across providers and evicts after 1,000 entries), with expiry checked on every
 * read, and a way to find everything that belongs to an account, so a test can revoke it all at once.
 */
export class OidcMemoryStore {
  readonly #models = new Map<string, Map<string, Entry>>();

  constructor(readonly now: () => number = Date.now) {}

  /** The adapter factory oidc-provider calls once per model name. */
  readonly adapterFactory = (model: string): Adapter => new MemoryAdapter(this, model);

  entries(model: string): Map<string, Entry> {
    let entries = this.#models.get(model);
    if (!entries) {
      entries = new Map();
      this.#models.set(model, entries);
    }
    return entries;
  }

  /** The live payload stored under `id`, or undefined once it has expired (and is dropped). */
  live(model: string, id: string): AdapterPayload | undefined {
    const entries = this.entries(model);
    const entry = entries.get(id);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.now()) {
      entries.delete(id);
      return undefined;
    }
    return entry.payload;
  }

  /** Every live entry of a model, as [id, payload] pairs (expired ones are dropped on the way). */
  *liveEntries(model: string): Generator<[string, AdapterPayload]> {
    for (const id of [...this.entries(model).keys()]) {
      const payload = this.live(model, id);
      if (payload) yield [id, payload];
    }
  }

  put(model: string, id: string, payload: AdapterPayload, expiresInSeconds: number | undefined): void {
    const expiresAt =
      typeof expiresInSeconds === 'number' ? this.now() + expiresInSeconds * 1000 : Number.POSITIVE_INFINITY;
    this.entries(model).set(id, { payload, expiresAt });
  }

  /**
   * Deletes every session, grant, token, code and interaction that belongs to the account, and returns
   * the grant IDs that were deleted.
   */
  removeAccount(accountId: string): string[] {
    const grants: string[] = [];
    for (const [model, entries] of this.#models) {
      for (const [id, { payload }] of [...entries]) {
        const owner = payload.accountId ?? payload.session?.accountId;
        if (owner !== accountId) continue;
        entries.delete(id);
        if (model === 'Grant') grants.push(id);
      }
    }
    // Tokens carry their grant: anything left under one of those grants goes too.
    for (const entries of this.#models.values()) {
      for (const [id, { payload }] of [...entries]) {
        if (payload.grantId && grants.includes(payload.grantId)) entries.delete(id);
      }
    }
    return grants;
  }

  clear(): void {
    this.#models.clear();
  }
}

class MemoryAdapter implements Adapter {
  constructor(
    private readonly store: OidcMemoryStore,
    private readonly model: string,
  ) {}

  async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
    this.store.put(this.model, id, payload, expiresIn);
  }

  async find(id: string): Promise<AdapterPayload | undefined> {
    return this.store.live(this.model, id);
  }

  async findByUid(uid: string): Promise<AdapterPayload | undefined> {
    for (const [, payload] of this.store.liveEntries(this.model)) if (payload.uid === uid) return payload;
    return undefined;
  }

  async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
    for (const [, payload] of this.store.liveEntries(this.model))
      if (payload.userCode === userCode) return payload;
    return undefined;
  }

  async consume(id: string): Promise<void> {
    const payload = this.store.live(this.model, id);
    if (payload) payload.consumed = Math.floor(this.store.now() / 1000);
  }

  async destroy(id: string): Promise<void> {
    this.store.entries(this.model).delete(id);
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    const entries = this.store.entries(this.model);
    for (const [id, { payload }] of [...entries]) if (payload.grantId === grantId) entries.delete(id);
  }
}
