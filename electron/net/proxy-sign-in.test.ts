import { describe, expect, it } from 'vitest';
import type { EventName, EventPayload } from '../../shared/ipc/contract.js';
import { createMemorySecretStore } from '../../testing/memory-secret-store.js';
import type { SecretStore } from '../secrets/secret-store.js';
import { createProxySignIn, proxyName, type ProxySignInDeps } from './proxy-sign-in.js';

const proxy = { host: 'proxy.corp.example', port: 3128 };
const name = 'proxy.corp.example:3128';
const carla = { username: 'carla', password: 's3cret: with colon' };

function harness(options: { secrets?: SecretStore; locked?: boolean } = {}) {
  const secrets = options.secrets ?? createMemorySecretStore();
  const events: EventPayload<'proxySignIn.changed'>[] = [];
  const errors: string[] = [];
  let locked = options.locked ?? false;
  const deps = {
    secrets,
    emit: <E extends EventName>(event: E, payload: EventPayload<E>) => {
      if (event === 'proxySignIn.changed') events.push(payload as EventPayload<'proxySignIn.changed'>);
    },
    isLocked: () => locked,
    logError: (message: string) => void errors.push(message),
  } satisfies ProxySignInDeps;
  const unit = createProxySignIn(deps);
  return { unit, secrets, events, errors, lock: (value: boolean) => (locked = value) };
}

describe('proxy sign-in', () => {
  it('asks once for every request that meets the challenge, and keeps the answer in the keychain', async () => {
    const { unit, secrets, events } = harness();
    const first = unit.challenge(proxy, null);
    const second = unit.challenge(proxy, null);
    expect(unit.state()).toEqual({
      asking: { proxy: name, refused: false },
      needed: [],
      saved: [],
    });
    await unit.handlers['proxySignIn.answer']({ proxy: name, ...carla });
    expect(await first).toEqual(carla);
    expect(await second).toEqual(carla);
    expect(JSON.parse((await secrets.get(`proxy-sign-in:${name}`))!)).toEqual(carla);
    expect(events.at(-1)).toEqual({ asking: null, needed: [], saved: [{ proxy: name, username: 'carla' }] });
    // Known now: no question for the next request, and none in the password's direction.
    expect(unit.known(proxy)).toEqual(carla);
    expect(await unit.challenge(proxy, null)).toEqual(carla);
    expect(JSON.stringify(events)).not.toContain(carla.password);
  });

  it('forgets credentials the proxy refused and asks again, saying so; Cancel leaves "needed"', async () => {
    const { unit, secrets } = harness();
    const asked = unit.challenge(proxy, null);
    await unit.handlers['proxySignIn.answer']({ proxy: name, username: 'carla', password: 'wrong' });
    await asked;
    const again = unit.challenge(proxy, { username: 'carla', password: 'wrong' });
    expect(unit.known(proxy)).toBeNull();
    expect(await secrets.list()).toEqual([]);
    expect(unit.state().asking).toEqual({ proxy: name, refused: true });
    unit.handlers['proxySignIn.cancel']({ proxy: name });
    expect(await again).toBeNull();
    expect(unit.state()).toEqual({
      asking: null,
      needed: [{ proxy: name, refused: true }],
      saved: [],
    });
    // "Sign in to the proxy" from the banner opens the dialog again; an answer needs no waiting request.
    unit.handlers['proxySignIn.ask']({ proxy: name });
    expect(unit.state().asking).toEqual({ proxy: name, refused: true });
    await unit.handlers['proxySignIn.answer']({ proxy: name, ...carla });
    expect(unit.state()).toMatchObject({ asking: null, needed: [] });
    expect(unit.known(proxy)).toEqual(carla);
  });

  it('tries newer credentials before asking, when a request was refused the old ones', async () => {
    const { unit } = harness();
    const asked = unit.challenge(proxy, null);
    await unit.handlers['proxySignIn.answer']({ proxy: name, ...carla });
    await asked;
    expect(await unit.challenge(proxy, { username: 'carla', password: 'older' })).toEqual(carla);
    expect(unit.state().asking).toBeNull();
  });

  it('asks nobody while the session is locked, and closes an open dialog when it locks', async () => {
    const { unit, lock } = harness();
    const open = unit.challenge(proxy, null);
    lock(true);
    unit.sessionLocked();
    expect(await open).toBeNull();
    expect(await unit.challenge({ host: 'other.example', port: 8080 }, null)).toBeNull();
    expect(unit.state()).toEqual({
      asking: null,
      needed: [
        { proxy: name, refused: false },
        { proxy: 'other.example:8080', refused: false },
      ],
      saved: [],
    });
  });

  it('stops waiting when the request gives up, leaving the dialog open for the person', async () => {
    const { unit } = harness();
    const controller = new AbortController();
    const waiting = unit.challenge(proxy, null, controller.signal);
    controller.abort();
    expect(await waiting).toBeNull();
    expect(unit.state().asking).toEqual({ proxy: name, refused: false });
  });

  it('refuses an answer for a proxy that did not ask, and Forget removes the keychain item', async () => {
    const { unit, secrets } = harness();
    await expect(unit.handlers['proxySignIn.answer']({ proxy: name, ...carla })).rejects.toMatchObject({
      code: 'refused',
    });
    expect(() => unit.handlers['proxySignIn.ask']({ proxy: name })).toThrow(/does not ask/);
    const asked = unit.challenge(proxy, null);
    await unit.handlers['proxySignIn.answer']({ proxy: name, ...carla });
    await asked;
    await unit.handlers['proxySignIn.forget']({ proxy: name });
    expect(await secrets.list()).toEqual([]);
    expect(unit.known(proxy)).toBeNull();
    expect(unit.state().saved).toEqual([]);
  });

  it('forgets every login on "Delete all my data", also one used for this run only', async () => {
    const other = { host: 'proxy2.corp.example', port: 8080 };
    // The keychain takes the first login and refuses the second, which is then kept for this run only.
    const memory = createMemorySecretStore();
    let refuse = false;
    const store = {
      ...memory,
      set: async (key: string, value: string) => {
        if (refuse) throw new Error('The keyring is locked');
        await memory.set(key, value);
      },
    } satisfies SecretStore;
    const { unit, secrets, events } = harness({ secrets: store });
    const asked = unit.challenge(proxy, null);
    await unit.handlers['proxySignIn.answer']({ proxy: name, ...carla });
    await asked;
    refuse = true;
    const askedOther = unit.challenge(other, null);
    await unit.handlers['proxySignIn.answer']({ proxy: proxyName(other), ...carla });
    await askedOther;
    expect(unit.known(other)).toEqual(carla);
    await unit.forgetAll();
    expect(unit.known(proxy)).toBeNull();
    expect(unit.known(other)).toBeNull();
    expect(await secrets.list()).toEqual([]);
    expect(events.at(-1)?.saved).toEqual([]);
  });

  it('reads saved credentials at start and skips damaged items without deleting them', async () => {
    const secrets = createMemorySecretStore({
      [`proxy-sign-in:${name}`]: JSON.stringify(carla),
      'proxy-sign-in:broken.example:80': '{"username":',
      'proxy-sign-in:colon.example:80': JSON.stringify({ username: 'a:b', password: 'x' }),
      'sip-password': 'not ours',
    });
    const { unit, errors } = harness({ secrets });
    await unit.load();
    expect(unit.known(proxy)).toEqual(carla);
    expect(unit.known({ host: 'broken.example', port: 80 })).toBeNull();
    expect(unit.known({ host: 'colon.example', port: 80 })).toBeNull();
    expect(errors).toHaveLength(2);
    expect(await secrets.list()).toHaveLength(4);
  });

  it('uses an answer for this run only when the keychain refuses it', async () => {
    const memory = createMemorySecretStore();
    const failing = {
      ...memory,
      set: async () => {
        throw new Error('The keyring is locked');
      },
    } satisfies SecretStore;
    const { unit, errors } = harness({ secrets: failing });
    const asked = unit.challenge(proxy, null);
    await unit.handlers['proxySignIn.answer']({ proxy: name, ...carla });
    expect(await asked).toEqual(carla);
    expect(unit.state().saved).toEqual([]);
    expect(errors).toEqual(['Saving proxy credentials in the keychain failed']);
  });

  it('names IPv6 proxies in brackets, as URLs do', () => {
    expect(proxyName({ host: '::1', port: 3128 })).toBe('[::1]:3128');
    expect(proxyName({ host: '[::1]', port: 3128 })).toBe('[::1]:3128');
    expect(proxyName({ host: 'Proxy.Corp', port: 80 })).toBe('proxy.corp:80');
  });
});
