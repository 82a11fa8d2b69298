import type { ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { kamcmd } from '../provider/kamailio.js';
import { freePort } from '../provider/ports.js';
import { spawnManaged, stopProcess } from '../provider/processes.js';
import { registeredPhone } from '../support/phone.js';
import { readStackState } from '../support/stack-state.js';
import { appDials, callCard, expectAppHears, expectConnected, expectEndedVisibly } from './app-side.js';
import { cell, unsupported } from './cells.js';
import { expect, test } from './fixtures.js';

// The interop matrix against sipp (Debian's sip-tester), basic flows: a UAS that answers with plain PCMU
// and echoes the RTP it gets (-rtp_echo), and one that refuses with 486. The negotiation cases of issue 15
// item 1 (no BUNDLE, holds, early media, redirects, ...) are the engine's sipp scenarios (e2e/sipp/).
// sipp does not register: the provider routes its number to it by a static contact (kamcmd ul.add), as
// it would route to a SIP trunk.

const PEER = 'sipp';
const scenario = (name: string) => fileURLToPath(new URL(`./sipp/${name}.xml`, import.meta.url));

test.describe.configure({ timeout: 60_000 });
let sipp: ChildProcess | null = null;
test.afterEach(async () => {
  if (sipp) await stopProcess(sipp);
  sipp = null;
});

/** sipp running `name` for one call, reachable at sip:<user>@<domain>; resolves with its user name. */
async function startSipp(name: string, dir: string, extraArgs: string[] = []): Promise<string> {
  const state = readStackState();
  await mkdir(dir, { recursive: true });
  const [sipPort, mediaPort] = [await freePort(), await freePort()];
  const user = `sipp${Math.random().toString(36).slice(2, 8)}`;
  sipp = spawnManaged(
    'sipp',
    [
      ...['-sf', scenario(name), '-i', '127.0.0.1', '-p', String(sipPort), '-mp', String(mediaPort)],
      ...['-m', '1', '-nostdin', '-trace_err', ...extraArgs],
    ],
    { cwd: dir },
  );
  sipp.stdout!.resume();
  sipp.stderr!.resume();
  // A static contact for its number, expiring with the test (path, flags, cflags: none; all methods).
  await kamcmd(
    state.ctlSocket,
    'ul.add',
    'location',
    user,
    `sip:${user}@127.0.0.1:${sipPort}`,
    '600',
    '1.0',
    '.',
    '0',
    '0',
    '4294967295',
  );
  return user;
}

test(
  'the app calls sipp, which answers with PCMU and echoes the audio; the app hangs up',
  {
    annotation: [
      cell(PEER, 'connect', 'app calls'),
      cell(PEER, 'audio both ways', 'app calls'),
      unsupported(PEER, 'DTMF', 'app calls', 'sipp does not decode the telephone-events it receives'),
    ],
  },
  async ({ openApp, sipTrace }, testInfo) => {
    const app = await registeredPhone(openApp, 'alice');
    const user = await startSipp('uas-answer', testInfo.outputDir, ['-rtp_echo']);
    sipTrace.follow(app.user.username, user);
    const state = readStackState();
    await test.step('connect', async () => {
      await appDials(app, `sip:${user}@${state.sipDomain}`);
      await expectConnected(callCard(app, user));
      await expect(callCard(app, user).getByText('Encrypted to your provider')).toBeVisible();
    });
    await test.step('audio both ways', async () => {
      // What the app hears is its own microphone, sent to sipp through rtpengine and back.
      await expectAppHears(app.page);
    });
    await callCard(app, user).getByRole('button', { name: 'Hang up' }).click();
    await expect(callCard(app, user)).toHaveCount(0);
    await expect.poll(() => sipp?.exitCode, { timeout: 10_000 }).toBe(0);
  },
);

test(
  'a call sipp refuses with 486 Busy Here ends visibly at the app',
  { annotation: cell(PEER, 'refused call', 'app calls') },
  async ({ openApp, sipTrace }, testInfo) => {
    const app = await registeredPhone(openApp, 'alice');
    const user = await startSipp('uas-busy', testInfo.outputDir);
    sipTrace.follow(app.user.username, user);
    await appDials(app, `sip:${user}@${readStackState().sipDomain}`);
    await expectEndedVisibly(app, callCard(app, user), /busy/);
  },
);
