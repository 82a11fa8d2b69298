import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { answerProxyLogins, type LoginEvents } from './proxy-login.js';

/** Electron's `app` as far as `login` goes: the listener gets Electron's five arguments. */
function loginSource() {
  const emitter = new EventEmitter();
  const app = { on: (event, listener) => emitter.on(event, listener) } satisfies LoginEvents;
  const login = (isProxy: boolean) => {
    const event = { preventDefault: vi.fn() };
    const callback = vi.fn();
    emitter.emit(
      'login',
      event,
      null,
      { url: 'https://idp.example/authorize' },
      { isProxy, scheme: 'basic', host: 'proxy.corp', port: 3128, realm: 'corp' },
      callback,
    );
    return { event, callback };
  };
  return { app, login };
}

describe("Electron's login event", () => {
  it("answers a proxy's challenge with the person's sign-in, and cancels without one", async () => {
    const { app, login } = loginSource();
    const respond = vi
      .fn()
      .mockResolvedValueOnce({ username: 'carla', password: 'pw' })
      .mockResolvedValueOnce(null);
    answerProxyLogins(app, respond, () => {});
    const answered = login(true);
    expect(answered.event.preventDefault).toHaveBeenCalled();
    await vi.waitFor(() => expect(answered.callback).toHaveBeenCalledWith('carla', 'pw'));
    expect(respond).toHaveBeenCalledWith({
      url: 'https://idp.example/authorize',
      host: 'proxy.corp',
      port: 3128,
    });
    const cancelled = login(true);
    await vi.waitFor(() => expect(cancelled.callback).toHaveBeenCalledWith());
  });

  it("leaves a server's own challenge to Electron's default", () => {
    const { app, login } = loginSource();
    const respond = vi.fn();
    answerProxyLogins(app, respond, () => {});
    const server = login(false);
    expect(server.event.preventDefault).not.toHaveBeenCalled();
    expect(respond).not.toHaveBeenCalled();
  });

  it('cancels the request when answering fails', async () => {
    const { app, login } = loginSource();
    const errors: string[] = [];
    answerProxyLogins(
      app,
      () => Promise.reject(new Error('keychain gone')),
      (message) => errors.push(message),
    );
    const failed = login(true);
    await vi.waitFor(() => expect(failed.callback).toHaveBeenCalledWith());
    expect(errors).toEqual(['Answering the proxy sign-in failed']);
  });
});
