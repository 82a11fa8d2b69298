import { mkdtemp } from 'node:fs/promises';
import { join } from 'node:path';
import type { Locator } from 'playwright-core';
import { startKamailio, type KamailioHandle } from '../provider/kamailio.js';
import type { Shell } from '../shell/shell.js';
import { expect, test, type OpenAppOptions } from './fixtures.js';
import { createSipUser, enterSipAccount, expectRegistered, type RegisteredPhone } from './phone.js';
import { readStackState } from './stack-state.js';
import { startSipp, type Sipp, type SippOptions } from './sipp.js';

/** An SDP as a plain phone sends it (`media` lines after the session lines): no BUNDLE, no ICE, no rtcp-mux. */
export function plainSdp(...media: string[]): string {
  return ['v=0', 'o=- 1 1 IN IP4 [local_ip]', 's=-', 'c=IN IP4 [media_ip]', 't=0 0', ...media].join('\n');
}

/** G.711 A-law (what sipp's pcap plays) and RFC 4733 events, 20 ms. */
export const PCMA = [
  'm=audio [media_port] RTP/AVP 8 101',
  'a=rtpmap:8 PCMA/8000',
  'a=rtpmap:101 telephone-event/8000',
  'a=fmtp:101 0-15',
  'a=ptime:20',
];

/** A scenario step that plays sipp's own G.711 A-law announcement to the app. */
export const PLAY = '<nop><action><exec play_pcap_audio="/usr/share/sip-tester/g711a.pcap"/></action></nop>';

/** The sipp peers a spec starts, each stopped after its test. */
const running: Sipp[] = [];
test.afterEach(async () => {
  for (const sipp of running.splice(0)) await sipp.stop();
});

/** Starts sipp with a scenario for this test (its logs in the test's output folder). */
export async function sippPeer(options: SippOptions): Promise<Sipp> {
  const sipp = await startSipp(test.info().outputPath('sipp'), options);
  running.push(sipp);
  return sipp;
}

/** The scenario ran to its end; its error log otherwise. */
export async function expectCompleted(sipp: Sipp): Promise<void> {
  const result = await sipp.finished;
  expect(result.ok, `sipp ${result.code}: ${result.errors}\n${await sipp.log()}`).toBe(true);
}

/** Dials `uri` from the Phone screen; returns the call card. */
export async function dialFromApp(app: RegisteredPhone, uri: string): Promise<Locator> {
  await app.page.getByRole('link', { name: 'Phone' }).click();
  await app.page.getByLabel('Number or SIP address').fill(uri);
  await app.page.getByRole('button', { name: 'Call', exact: true }).click();
  return app.page.getByRole('region', { name: /^Call with / });
}

/** The notice the app shows for why a call ended. */
export function endNotice(app: RegisteredPhone): Locator {
  return app.page.locator('.call-end-notice');
}

/** Keypad tones go out as SIP INFO: the scenarios take them as the go-ahead for their next step. */
export async function sendTonesAsInfo(app: RegisteredPhone): Promise<void> {
  await app.page.getByRole('link', { name: 'Settings' }).click();
  await app.page.getByLabel('Send keypad tones as').selectOption({ label: 'SIP INFO messages' });
  await expect(app.page.getByText('Saved.').first()).toBeVisible();
  await app.page.getByRole('link', { name: 'Phone' }).click();
}

/** Presses keypad digit `key` on the call card (the keypad opened once). */
export async function pressKey(call: Locator, key: string): Promise<void> {
  const pad = call.getByRole('button', { name: '1', exact: true });
  if (!(await pad.isVisible())) await call.getByRole('button', { name: 'Keypad' }).click();
  await call.getByRole('button', { name: key, exact: true }).click();
}

/**
 * A SIP edge that relays SDP untouched (no rtpengine): what sipp offers or answers reaches the app as it
 * is, as from a provider that passes SDP through. Stopped after the test.
 */
export async function untouchedEdge(): Promise<KamailioHandle> {
  const state = readStackState();
  const edge = await startKamailio({
    dir: await mkdtemp(join(state.runDir, 'untouched-edge-')),
    certificate: state.serverCertPath,
    privateKey: state.serverKeyPath,
    caCertPem: state.caCertPem,
  });
  edges.push(edge);
  return edge;
}

const edges: KamailioHandle[] = [];
test.afterEach(async () => {
  for (const edge of edges.splice(0)) await edge.stop();
});

/** An app instance registered at `edge` with a user of its own there. */
export async function phoneAt(
  openApp: (options?: OpenAppOptions) => Promise<Shell>,
  edge: KamailioHandle,
  prefix: string,
): Promise<RegisteredPhone> {
  const user = await createSipUser(prefix, edge.ctlSocket);
  const shell = await openApp({ name: prefix });
  await enterSipAccount(shell.page, user, { wssUrl: edge.wssUrl });
  await expectRegistered(shell.page);
  return { user, page: shell.page, shell };
}

/** When sipp logged a message (its -trace_msg header line: a date and time, or seconds since the epoch). */
function loggedAt(header: string): number | null {
  const clock = /(\d{4}-\d{2}-\d{2})[\sT]+(\d{2}:\d{2}:\d{2})(\.\d+)?/.exec(header);
  if (clock) return Date.parse(`${clock[1]}T${clock[2]}Z`) + Number(clock[3] ?? 0) * 1000;
  const epoch = /(\d{9,})\.(\d+)/.exec(header);
  return epoch ? Number(`${epoch[1]}.${epoch[2]}`) * 1000 : null;
}

/**
 * Milliseconds from the first message sipp sent that matches `sent` to the next one it received that
 * matches `received` (from its message log); NaN when either is missing.
 */
export async function sippGap(sipp: Sipp, sent: RegExp, received: RegExp): Promise<number> {
  const blocks = (await sipp.messages()).split(/^(?=-{5,})/m);
  let start: number | null = null;
  for (const block of blocks) {
    const [header = '', ...rest] = block.split('\n');
    const text = rest.join('\n').replace(/^[^\n]*(sent|received)[^\n]*\n\s*\n?/, '');
    const at = loggedAt(header);
    const direction = /message received/.test(block)
      ? 'received'
      : /message sent/.test(block)
        ? 'sent'
        : null;
    if (at === null || direction === null) continue;
    if (start === null && direction === 'sent' && sent.test(text)) start = at;
    else if (start !== null && direction === 'received' && received.test(text)) return at - start;
  }
  return Number.NaN;
}
