import { createSign, generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CustomFetch } from 'openid-client';
import { expect } from 'vitest';
import { createTestPki, type TestPki } from '../e2e/provider/certs.js';
import {
  startLoginBroker,
  type LoginBroker,
  type SipProvisioner,
  type TestAccount,
} from '../e2e/provider/login-broker.js';
import { asCallback, asPage, TestBrowser, totpNow, type Page } from '../e2e/provider/oidc-test-client.js';
import type { AuditEvent } from '../shared/audit/catalog.js';
import type { SignInState } from '../shared/domain/identity.js';
import { resolvePolicy, type PolicyFile } from '../shared/policy/schema.js';
import { createTrustedFetch } from '../electron/net/http-client.js';
import { createMemorySecretStore } from './memory-secret-store.js';
import type { SecretStore } from '../electron/secrets/secret-store.js';
import { asCustomFetch, createSignInService, type Timers } from '../electron/auth/sign-in-service.js';

export const SIP = { wssUrl: 'wss://127.0.0.1:7443', domain: 'softphone.test' };
const LOOPBACK = 'http://127.0.0.1:';

/** The SIP edge of the tests: remembers what the broker provisioned and removed. */
export class Recorder implements SipProvisioner {
  readonly passwords = new Map<string, string>();
  readonly removed: string[] = [];
  async add(username: string, password: string) {
    this.passwords.set(username, password);
  }
  async remove(username: string) {
    this.passwords.delete(username);
    this.removed.push(username);
  }
}

/** Timers that never fire by themselves: a test fires the one it means. */
export class FakeTimers implements Timers {
  readonly pending = new Map<number, { callback: () => void; ms: number }>();
  #next = 1;
  set(callback: () => void, ms: number) {
    const id = this.#next++;
    this.pending.set(id, { callback, ms });
    return id;
  }
  clear(handle: unknown) {
    this.pending.delete(handle as number);
  }
  /** Fires the pending timer with the given delay (the longest such, if several). */
  fire(predicate: (ms: number) => boolean) {
    const match = [...this.pending]
      .filter(([, entry]) => predicate(entry.ms))
      .sort((a, b) => b[1].ms - a[1].ms)[0];
    if (!match) throw new Error('no such timer');
    this.pending.delete(match[0]);
    match[1].callback();
  }
}

function base64url(value: Buffer | string) {
  return Buffer.from(value).toString('base64url');
}

export function signJwt(header: object, payload: object, key: KeyObject) {
  const input = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(payload))}`;
  const signature = createSign('RSA-SHA256').update(input).sign(key);
  return `${input}.${base64url(signature)}`;
}

export function jwtParts(token: string): [Record<string, unknown>, Record<string, unknown>] {
  const [header, payload] = token
    .split('.')
    .slice(0, 2)
    .map((part) => JSON.parse(Buffer.from(part, 'base64url').toString()) as Record<string, unknown>);
  return [header!, payload!];
}

/**
 * What an issuer other than the broker would answer, made from the broker's answers: `route` sends a URL of
 * that issuer to the broker, `answer` rewrites the broker's JSON (discovery, keys, tokens) by path.
 */
export interface IssuerShape {
  route?(url: string): string;
  answer?(path: string, body: Record<string, unknown>): Record<string, unknown>;
}

export type Tamper = 'wrong-issuer' | 'bad-signature' | null;

export interface HarnessOptions {
  policy?: PolicyFile;
  tamper?: Tamper;
  clockAheadMs?: number;
  shape?: IssuerShape;
  secrets?: SecretStore;
}

export interface Harness {
  service: ReturnType<typeof createSignInService>;
  secrets: SecretStore;
  timers: FakeTimers;
  states: SignInState[];
  audit: AuditEvent[];
  /** `subject()` at the moment each audit event was recorded: who the audit log names. */
  auditSubjects: (string | null)[];
  registrationChanges: number;
  skews: number[];
  /** The authorization URL the app opened in "the browser" (next one). */
  opened(): Promise<URL>;
  waitFor(status: SignInState['status']): Promise<SignInState>;
  setPolicy(file: PolicyFile): void;
}

/**
 * The sign-in service's test bench: a test PKI, the login broker with a recording SIP edge, an attacker's
 * key, and harnesses that run the service against them.
 */
export async function startSignInBench() {
  const dir = await mkdtemp(join(tmpdir(), 'sign-in-service-test-'));
  const pki: TestPki = await createTestPki(dir);
  const recorder = new Recorder();
  const broker: LoginBroker = await startLoginBroker({ pki, sip: SIP, provisioner: recorder });
  // An attacker's key, for ID tokens that the broker did not sign (tests add it to the keys to re-sign).
  const attacker = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const attackerKid = randomUUID();
  const attackerJwk = {
    ...attacker.publicKey.export({ format: 'jwk' }),
    kid: attackerKid,
    alg: 'RS256',
    use: 'sig',
  };
  const fetches: Array<{ close(): Promise<void> }> = [];
  const track = <T extends { close(): Promise<void> }>(fetch: T): T => {
    fetches.push(fetch);
    return fetch;
  };
  // The person's browser: trusts the test CA.
  const browserFetch = track(
    createTrustedFetch(() => ({ extraCaCertificates: [pki.caCertPem], pinnedSpkiSha256: [] })),
  );
  const real = () => asCustomFetch(browserFetch);

  /** Re-signs an ID token with the attacker's key (whose public key a tampered key set carries). */
  const resign = (idToken: string, claims: Record<string, unknown> = {}) => {
    const [header, payload] = jwtParts(idToken);
    return signJwt({ ...header, kid: attackerKid }, { ...payload, ...claims }, attacker.privateKey);
  };

  function tampered(tamper: Tamper, path: string, body: Record<string, unknown>): Record<string, unknown> {
    if (tamper === 'wrong-issuer' && path === '/jwks')
      return { keys: [...(body.keys as object[]), attackerJwk] };
    if (tamper && path === '/token' && typeof body.id_token === 'string') {
      const [header, payload] = jwtParts(body.id_token);
      const id_token =
        tamper === 'wrong-issuer'
          ? resign(body.id_token, { iss: 'https://login.attacker.example' })
          : signJwt(header, payload, attacker.privateKey);
      return { ...body, id_token };
    }
    return body;
  }

  function harness(options: HarnessOptions = {}): Harness {
    const secrets = options.secrets ?? createMemorySecretStore();
    const timers = new FakeTimers();
    const openedUrls: string[] = [];
    const waiters: Array<() => void> = [];
    const wake = () => {
      for (const resume of waiters.splice(0)) resume();
    };
    let policy = resolvePolicy({
      provider: broker.providerFor(SIP.wssUrl),
      extraCaCertificates: [pki.caCertPem],
      ...options.policy,
    });
    const trusted = asCustomFetch(
      track(
        createTrustedFetch(() => ({
          extraCaCertificates: policy.extraCaCertificates,
          pinnedSpkiSha256: policy.pinnedSpkiSha256,
        })),
      ),
    );
    const fetch: CustomFetch = async (url, init) => {
      const response = await trusted(options.shape?.route?.(url) ?? url, init);
      const path = new URL(url).pathname;
      const rewrites = options.tamper || options.shape?.answer;
      if (!rewrites || !response.ok || !response.headers.get('content-type')?.includes('json'))
        return response;
      let body = (await response.json()) as Record<string, unknown>;
      body = tampered(options.tamper ?? null, path, body);
      body = options.shape?.answer?.(path, body) ?? body;
      return Response.json(body, {
        status: response.status,
        headers: { 'cache-control': 'no-store', date: response.headers.get('date') ?? '' },
      });
    };
    const h: Harness = {
      setPolicy(file) {
        policy = resolvePolicy({ ...file, extraCaCertificates: [pki.caCertPem] });
      },
      secrets,
      timers,
      states: [],
      audit: [],
      auditSubjects: [],
      registrationChanges: 0,
      skews: [],
      service: createSignInService({
        policy: () => policy,
        secrets,
        openExternal: async (url) => {
          openedUrls.push(url);
          wake();
        },
        record: (event) => {
          h.audit.push(event);
          h.auditSubjects.push(h.service.subject());
        },
        language: () => 'en',
        onStateChange: (state) => {
          h.states.push(state);
          wake();
        },
        onRegistrationChange: () => {
          h.registrationChanges += 1;
        },
        onClockSkew: (seconds) => h.skews.push(seconds),
        fetch,
        timers,
        now: () => Date.now() + (options.clockAheadMs ?? 0),
      }),
      async opened() {
        const before = openedUrls.length;
        while (openedUrls.length === before) await new Promise<void>((resolve) => waiters.push(resolve));
        return new URL(openedUrls.at(-1)!);
      },
      async waitFor(status) {
        for (;;) {
          const last = h.states.at(-1);
          if (last && last.status === status) return last;
          if (last && last.status !== 'in-progress' && last.status !== status)
            throw new Error(`expected ${status}, got ${JSON.stringify(last)}`);
          await new Promise<void>((resolve) => waiters.push(resolve));
        }
      },
    };
    return h;
  }

  /**
   * Drives the broker's pages as the person would, up to the redirect to the app's listener (choosing the
   * user's upstream IdP first when the request named none).
   */
  async function browse(url: URL, user: TestAccount): Promise<URL> {
    const browser = new TestBrowser(real(), LOOPBACK);
    let login = asPage(await browser.open(url.href));
    const choice = CHOICES[user.upstream];
    if (login.title === 'Sign in to your provider') login = asPage(await browser.submit(login, choice));
    let result: Page | URL = await browser.submit(login, 'Sign in', {
      'User name': user.username,
      Password: user.password,
    });
    if (user.secondFactor === 'otp')
      result = await browser.submit(asPage(result), 'Verify', {
        'Authentication code': totpNow(user.totpSecret!),
      });
    else if (user.secondFactor === 'hwk') result = await browser.submit(asPage(result), 'Use security key');
    return asCallback(result);
  }

  /** The browser follows the redirect to the app's loopback listener. */
  async function deliver(callback: URL) {
    const response = await fetch(callback.href);
    return { status: response.status, text: await response.text() };
  }

  async function signIn(h: Harness, user: TestAccount, method = user.upstream, email?: string) {
    await h.service.start({ method, ...(email && { email }) });
    const url = await h.opened();
    const callback = await browse(url, user);
    const page = await deliver(callback);
    return { url, callback, page };
  }

  async function expectSignedOut(h: Harness) {
    expect(h.service.state().status).not.toBe('signed-in');
    expect(await h.secrets.list()).toEqual([]);
    expect(h.service.provisionedRegistration()).toBeNull();
  }

  return {
    pki,
    broker,
    /** The person's browser, stopping at the redirect to the app's listener. */
    browser: () => new TestBrowser(real(), LOOPBACK),
    recorder,
    attackerJwk,
    resign,
    harness,
    browse,
    deliver,
    signIn,
    expectSignedOut,
    async close() {
      for (const fetch of fetches) await fetch.close();
      await broker.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
export type SignInBench = Awaited<ReturnType<typeof startSignInBench>>;

const CHOICES: Record<TestAccount['upstream'], string> = {
  google: 'Continue with Google',
  apple: 'Continue with Apple',
  company: 'Company SSO',
  provider: 'Provider account',
};
