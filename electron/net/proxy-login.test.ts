import { describe, expect, it } from 'vitest';
import { ANSWER_MEMORY_MS, createProxyLoginResponder } from './proxy-login.js';
import type { ProxyAuthenticator, ProxyLogin } from './proxy-sign-in.js';

function recordingAuthenticator(answers: (ProxyLogin | null)[]) {
  const calls: { refused: ProxyLogin | null }[] = [];
  const auth = {
    known: () => null,
    challenge: async (_proxy, refused) => {
      calls.push({ refused });
      return answers.shift() ?? null;
    },
  } satisfies ProxyAuthenticator;
  return { auth, calls };
}

const request = { url: 'wss://edge.example/ws', host: 'proxy.corp', port: 3128 };
const carla = { username: 'carla', password: 'pw' };

describe("Chromium's proxy challenges", () => {
  it('takes a second question for the same request as a refusal of the answer given', async () => {
    const { auth, calls } = recordingAuthenticator([carla, { ...carla, password: 'new' }]);
    const respond = createProxyLoginResponder(auth, () => 0);
    expect(await respond(request)).toEqual(carla);
    expect(await respond(request)).toEqual({ ...carla, password: 'new' });
    expect(calls).toEqual([{ refused: null }, { refused: carla }]);
  });

  it('treats another request, or the same one much later, as a first question', async () => {
    const { auth, calls } = recordingAuthenticator([carla, carla, carla]);
    let now = 0;
    const respond = createProxyLoginResponder(auth, () => now);
    await respond(request);
    await respond({ ...request, url: 'https://idp.example/authorize' });
    now = ANSWER_MEMORY_MS + 1;
    await respond(request);
    expect(calls).toEqual([{ refused: null }, { refused: null }, { refused: null }]);
  });

  it('forgets a request that got no answer', async () => {
    const { auth, calls } = recordingAuthenticator([null, carla]);
    const respond = createProxyLoginResponder(auth, () => 0);
    expect(await respond(request)).toBeNull();
    expect(await respond(request)).toEqual(carla);
    expect(calls).toEqual([{ refused: null }, { refused: null }]);
  });
});
