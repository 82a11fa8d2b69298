import {
  ProxySignInAnswer,
  type ProxyName,
  type ProxySignInState,
} from '../../shared/domain/proxy-sign-in.js';
import { ServiceError } from '../../shared/ipc/errors.js';
import type { Emit } from '../ipc/event-hub.js';
import type { HandlersFor } from '../ipc/router.js';
import type { SecretStore } from '../secrets/secret-store.js';

/** A proxy as the system's configuration names it (a PAC result, Chromium's challenge). */
export interface ProxyAddress {
  host: string;
  port: number;
}

/** Basic credentials for a proxy. */
export interface ProxyLogin {
  username: string;
  password: string;
}

/** What main's HTTP client and Chromium's own challenges ask of the proxy sign-in. */
export interface ProxyAuthenticator {
  /** The credentials known for the proxy (the keychain's, or typed in this run), or null. */
  known(proxy: ProxyAddress): ProxyLogin | null;
  /**
   * The proxy asked for a sign-in: `refused` is null when nothing was sent, else the credentials it did not
   * accept. Resolves with credentials to try (newer ones than those refused, or what the person types once
   * for every request that waits), or null without an answer: the person cancelled, the app is locked, or
   * `signal` gave up waiting.
   */
  challenge(
    proxy: ProxyAddress,
    refused: ProxyLogin | null,
    signal?: AbortSignal,
  ): Promise<ProxyLogin | null>;
}

export interface ProxySignInDeps {
  /** The OS keychain: the only place the credentials are kept (never the database, logs or audit details). */
  secrets: SecretStore;
  emit: Emit;
  /** Whether the session is locked: nobody is asked for a password then. */
  isLocked(): boolean;
  logError(message: string, error: unknown): void;
}

export interface ProxySignIn extends ProxyAuthenticator {
  /** Reads the saved credentials from the keychain (at start, once it is usable). */
  load(): Promise<void>;
  /** The session locked: an open dialog closes and becomes "sign-in needed" (asked again after unlock). */
  sessionLocked(): void;
  /** Sends the current state (after unlock, when the window could not have it). */
  announce(): void;
  /** What is being asked, what is needed and what is saved, now. */
  state(): ProxySignInState;
  /** Any person's answer arrived (new credentials): what waited for the network may try again. */
  onAnswered(listener: () => void): void;
  /** "Delete all my data": every login is forgotten, saved or typed for this run only. */
  forgetAll(): Promise<void>;
  handlers: HandlersFor<
    | 'proxySignIn.state'
    | 'proxySignIn.answer'
    | 'proxySignIn.cancel'
    | 'proxySignIn.ask'
    | 'proxySignIn.forget'
  >;
}

/** Keychain items: one per proxy, `proxy-sign-in:host:port` → `{"username":…,"password":…}`. */
const KEY_PREFIX = 'proxy-sign-in:';

/** `host:port`, IPv6 hosts in brackets (URL.hostname has them, Chromium's AuthInfo.host has not). */
export function proxyName({ host, port }: ProxyAddress): ProxyName {
  const bracketed = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return `${bracketed.toLowerCase()}:${port}`;
}

function sameLogin(a: ProxyLogin, b: ProxyLogin): boolean {
  return a.username === b.username && a.password === b.password;
}

interface Asking {
  refused: boolean;
  waiters: Set<(login: ProxyLogin | null) => void>;
}

/**
 * Signing in to the company's proxy when the system's proxy configuration (PAC, system settings) names one
 * that asks for credentials no URL carries. The first request that meets the proxy's challenge opens one
 * dialog in the window; every request that meets it meanwhile waits for the same answer. The answer goes to
 * the keychain and from there into main's HTTP client and Chromium's own challenges; credentials the proxy
 * refuses are forgotten and the dialog asks again, saying so. Cancel leaves "sign-in needed" on screen.
 */
export function createProxySignIn(deps: ProxySignInDeps): ProxySignIn {
  const logins = new Map<ProxyName, ProxyLogin>();
  const saved = new Set<ProxyName>();
  // Open questions in the order they came; the dialog shows the first.
  const asking = new Map<ProxyName, Asking>();
  const needed = new Map<ProxyName, boolean>();
  const answeredListeners: (() => void)[] = [];

  const state = (): ProxySignInState => {
    const [first] = asking;
    return {
      asking: first ? { proxy: first[0], refused: first[1].refused } : null,
      needed: [...needed].map(([proxy, refused]) => ({ proxy, refused })),
      saved: [...saved].map((proxy) => ({ proxy, username: logins.get(proxy)?.username ?? '' })),
    };
  };
  const announce = () => deps.emit('proxySignIn.changed', state());

  const forgetLogin = async (proxy: ProxyName): Promise<void> => {
    logins.delete(proxy);
    if (!saved.delete(proxy)) return;
    await deps.secrets
      .delete(KEY_PREFIX + proxy)
      .catch((error: unknown) => deps.logError('Removing proxy credentials from the keychain failed', error));
  };

  const close = (proxy: ProxyName, login: ProxyLogin | null): void => {
    const open = asking.get(proxy);
    if (!open) return;
    asking.delete(proxy);
    if (login) needed.delete(proxy);
    else needed.set(proxy, open.refused);
    for (const waiter of open.waiters) waiter(login);
  };

  const openQuestion = (proxy: ProxyName): Asking => {
    const open = asking.get(proxy);
    if (!open) throw new ServiceError('refused', 'the proxy does not ask for a sign-in');
    return open;
  };

  const challenge: ProxyAuthenticator['challenge'] = async (address, refused, signal) => {
    const proxy = proxyName(address);
    const current = logins.get(proxy);
    // Another request brought newer credentials meanwhile: try those.
    if (current && (!refused || !sameLogin(current, refused))) return current;
    // Refused: never tried again (the keychain item goes in the background; the dialog opens now).
    if (current) void forgetLogin(proxy);
    if (deps.isLocked() || signal?.aborted) {
      needed.set(proxy, refused !== null || (needed.get(proxy) ?? false));
      announce();
      return null;
    }
    let open = asking.get(proxy);
    if (!open) {
      open = { refused: false, waiters: new Set() };
      asking.set(proxy, open);
      needed.delete(proxy);
    }
    open.refused ||= refused !== null;
    announce();
    const question = open;
    return new Promise((resolve) => {
      const onAbort = () => {
        question.waiters.delete(waiter);
        resolve(null);
      };
      const waiter = (login: ProxyLogin | null) => {
        signal?.removeEventListener('abort', onAbort);
        resolve(login);
      };
      question.waiters.add(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  };

  return {
    known: (address) => logins.get(proxyName(address)) ?? null,
    challenge,
    state,
    async load() {
      const keys = await deps.secrets.list().catch((error: unknown) => {
        deps.logError('Reading proxy credentials from the keychain failed', error);
        return [];
      });
      for (const key of keys.filter((name) => name.startsWith(KEY_PREFIX))) {
        const proxy = key.slice(KEY_PREFIX.length);
        try {
          const { username, password } = ProxySignInAnswer.parse({
            proxy,
            ...JSON.parse((await deps.secrets.get(key)) ?? 'null'),
          });
          logins.set(proxy, { username, password });
          saved.add(proxy);
        } catch (error) {
          // Damaged or foreign: not used, and not deleted (it may be someone else's to repair).
          deps.logError('A proxy credentials item in the keychain is unreadable', error);
        }
      }
    },
    sessionLocked() {
      if (asking.size === 0) return;
      for (const proxy of [...asking.keys()]) close(proxy, null);
      announce();
    },
    announce,
    onAnswered: (listener) => void answeredListeners.push(listener),
    async forgetAll() {
      for (const proxy of new Set([...logins.keys(), ...saved])) await forgetLogin(proxy);
      announce();
    },
    handlers: {
      'proxySignIn.state': state,
      async 'proxySignIn.answer'({ proxy, username, password }) {
        openQuestion(proxy);
        const login = { username, password };
        logins.set(proxy, login);
        try {
          await deps.secrets.set(KEY_PREFIX + proxy, JSON.stringify(login));
          saved.add(proxy);
        } catch (error) {
          // Used for this run only: nothing is kept outside the keychain.
          deps.logError('Saving proxy credentials in the keychain failed', error);
        }
        close(proxy, login);
        announce();
        for (const listener of answeredListeners) listener();
        return state();
      },
      'proxySignIn.cancel'({ proxy }) {
        close(proxy, null);
        announce();
        return state();
      },
      'proxySignIn.ask'({ proxy }) {
        const refused = needed.get(proxy);
        if (refused === undefined) throw new ServiceError('refused', 'the proxy does not ask for a sign-in');
        needed.delete(proxy);
        asking.set(proxy, { refused, waiters: new Set() });
        announce();
        return state();
      },
      async 'proxySignIn.forget'({ proxy }) {
        await forgetLogin(proxy);
        announce();
        return state();
      },
    },
  };
}
