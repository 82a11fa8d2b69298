import { createSocket } from 'node:dgram';
import { execFile } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import { startCoturn, type CoturnHandle } from './provider/coturn.js';
import { expect, test } from './support/fixtures.js';
import { allowOnlyTcpFrom, createSpecCgroup, type Firewall, type SpecCgroup } from './support/firewall.js';
import {
  connectedCall,
  createSipUser,
  enterSipAccount,
  expectRegistered,
  receivedAudioLevel,
  type TwoPhones,
} from './support/phone.js';
import { readStackState } from './support/stack-state.js';

// Issue 17 item 7: a call through TURN over TLS on port 443 when the company's network lets no UDP out. The
// browsers of this spec run in a cgroup of their own; an iptables chain drops every UDP datagram they send
// and resets their TCP connections to anything but 443 (coturn) and the SIP edge, so neither host
// candidates nor ICE-TCP between them can carry media. Only they are filtered: coturn relays over UDP on the
// far side as a provider's TURN server does, and the other worker's specs in the shared namespace are never
// matched (e2e/support/firewall.ts). coturn's certificate is the run's; the browsers verify it against the
// test CA in their NSS database, as they verify every other server of the run.

const run = promisify(execFile);
const TURN_TLS_PORT = 443;

let dir: string;
let coturn: CoturnHandle;
let cgroup: SpecCgroup;
let firewall: Firewall;

test.beforeAll(async () => {
  const state = readStackState();
  dir = await mkdtemp(join(state.runDir, 'turn-'));
  coturn = await startCoturn({
    dir,
    certificate: state.serverCertPath,
    privateKey: state.serverKeyPath,
    caCertPem: state.caCertPem,
    tlsPort: TURN_TLS_PORT,
    realm: 'turn.softphone.test',
    user: { username: 'company', password: `turn-${Math.random().toString(36).slice(2)}` },
  });
  cgroup = await createSpecCgroup(dir);
  firewall = await allowOnlyTcpFrom(cgroup, [TURN_TLS_PORT, Number(new URL(state.wssUrl).port)]);
});

test.afterAll(async () => {
  await firewall?.remove();
  await cgroup?.remove();
  await coturn?.stop();
});

/** Runs a Node one-liner inside the spec's cgroup, as the browsers run. */
async function inCgroup(script: string): Promise<void> {
  await run(await cgroup.wrapper(process.execPath), ['-e', script], { timeout: 10_000 });
}

test('the firewall drops UDP and other TCP from the browsers’ cgroup, and nothing of others', async () => {
  const receiver = createSocket('udp4');
  const received: string[] = [];
  receiver.on('message', (message) => received.push(message.toString()));
  await new Promise<void>((resolve) => receiver.bind(0, '127.0.0.1', resolve));
  const { port } = receiver.address();
  const send = (text: string) =>
    `const s=require('node:dgram').createSocket('udp4');s.send('${text}',${port},'127.0.0.1',()=>s.close())`;
  try {
    await inCgroup(send('from-the-cgroup'));
    await run(process.execPath, ['-e', send('from-outside')]);
    await expect.poll(() => received).toEqual(['from-outside']);
  } finally {
    receiver.close();
  }
  // TCP to a port other than 443 and the SIP edge is reset; to coturn's 443 it connects.
  const connectTo = (target: number) =>
    `require('node:net').connect(${target},'127.0.0.1',()=>process.exit(0)).on('error',()=>process.exit(3))`;
  await expect(inCgroup(connectTo(Number(new URL(readStackState().issuerUrl).port)))).rejects.toMatchObject({
    code: 3,
  });
  await inCgroup(connectTo(TURN_TLS_PORT));
});

/** The selected ICE candidate pair of the page's call: the local candidate's type and relay protocol. */
function selectedLocalCandidate(
  page: Page,
): Promise<{ candidateType: string; relayProtocol?: string } | null> {
  return page.evaluate(async () => {
    const connections = (window as unknown as { __peerConnections: RTCPeerConnection[] }).__peerConnections;
    const connection = connections.at(-1);
    if (!connection) return null;
    const stats = [...(await connection.getStats()).values()] as Array<Record<string, unknown>>;
    const transport = stats.find((entry) => entry.type === 'transport' && entry.selectedCandidatePairId);
    const pair = stats.find((entry) => entry.id === transport?.selectedCandidatePairId);
    const local = stats.find((entry) => entry.id === pair?.localCandidateId);
    return local
      ? { candidateType: String(local.candidateType), relayProtocol: local.relayProtocol as string }
      : null;
  });
}

test(
  'a call connects through coturn over TLS on 443 with UDP blocked',
  { annotation: { type: 'interop', description: 'coturn | TURN over TLS on 443, UDP blocked | app calls' } },
  async ({ openApp }) => {
    // Two browsers started, reloaded and registered, then a call set up through TURN: ~25 s on a quiet
    // machine, twice that at a load of 20.
    test.setTimeout(120_000);
    const state = readStackState();
    const refusedBefore = await firewall.refused();
    const policy = { iceServers: [coturn.iceServer] };
    const phones: Partial<TwoPhones> = {};
    for (const [key, page] of [
      ['alice', 'a'],
      ['bob', 'b'],
    ] as const) {
      const user = await createSipUser(key);
      const shell = await openApp({ name: key, policy, chromiumWrapper: cgroup.wrapper });
      // The spec reads the call's statistics from the peer connections the app creates.
      await shell.context.addInitScript(() => {
        const Native = window.RTCPeerConnection;
        const created: RTCPeerConnection[] = [];
        Object.assign(window, { __peerConnections: created });
        window.RTCPeerConnection = class extends Native {
          constructor(...args: ConstructorParameters<typeof RTCPeerConnection>) {
            super(...args);
            created.push(this);
          }
        };
      });
      await shell.page.reload();
      await enterSipAccount(shell.page, user, { wssUrl: state.wssUrl });
      await expectRegistered(shell.page);
      phones[key] = user;
      phones[page] = shell.page;
    }
    const call = await connectedCall(phones as TwoPhones);

    for (const page of [phones.a!, phones.b!]) {
      await expect.poll(() => receivedAudioLevel(page), { timeout: 15_000 }).toBeGreaterThan(5);
      expect(await selectedLocalCandidate(page)).toEqual({ candidateType: 'relay', relayProtocol: 'tls' });
    }
    expect(await coturn.allocations()).toBeGreaterThanOrEqual(2);
    // The browsers did try UDP (host candidates), and the firewall dropped it.
    expect(await firewall.refused()).toBeGreaterThan(refusedBefore);
    await call.outgoing.getByRole('button', { name: 'Hang up' }).click();
    await expect(call.outgoing).toHaveCount(0);
  },
);
