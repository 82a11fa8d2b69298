import { expect, test } from './support/fixtures.js';
import { createSipUser, registeredPhone } from './support/phone.js';
import { sippStep } from './support/sipp.js';
import {
  dialFromApp,
  endNotice,
  expectCompleted,
  PCMA,
  plainSdp,
  PLAY,
  pressKey,
  sendTonesAsInfo,
  sippPeer,
} from './support/sipp-calls.js';

// Every way a call ends that a real peer can cause ends visibly: the card goes, a notice says why in
// words, History keeps the reason. The peer is sipp (e2e/sipp/*.xml) behind the stack's edge.
test.describe.configure({ timeout: 90_000 });

const ANSWER = plainSdp(...PCMA, 'a=sendrecv');
const connected = { timeout: 15_000 };

const finalResponses = [
  { code: 486, reason: 'Busy Here', words: 'The line is busy.', history: 'Outgoing · busy' },
  {
    code: 603,
    reason: 'Decline',
    words: 'The other person declined the call.',
    history: 'Outgoing · declined',
  },
  {
    code: 480,
    reason: 'Temporarily Unavailable',
    words: 'cannot be reached at the moment',
    history: 'failed',
  },
  { code: 404, reason: 'Not Found', words: 'This number or address does not exist.', history: 'failed' },
  { code: 408, reason: 'Request Timeout', words: 'Nobody answered in time.', history: 'failed' },
  { code: 487, reason: 'Request Terminated', words: 'ended before anyone answered', history: 'failed' },
  { code: 503, reason: 'Service Unavailable', words: 'The phone service has a problem.', history: 'failed' },
] as const;

test(
  'each final response ends the call at once, in its own words, on screen and in History',
  {
    annotation: finalResponses.map(({ code, reason }) => ({
      type: 'interop',
      description: `sipp | ${code} ${reason} | app calls`,
    })),
  },
  async ({ openApp }) => {
    test.setTimeout(180_000);
    const app = await registeredPhone(openApp, 'alice');
    for (const response of finalResponses) {
      const far = await createSipUser('sipp');
      const sipp = await sippPeer({
        scenario: 'reject.xml',
        user: far,
        register: true,
        fill: { code: String(response.code), reason: response.reason },
      });
      const call = await dialFromApp(app, far.uri);
      await expect(endNotice(app), String(response.code)).toContainText(response.words, connected);
      await expect(call).toHaveCount(0);
      await expectCompleted(sipp);
      await endNotice(app).getByRole('button', { name: 'Close' }).click();
      await expect(endNotice(app)).toHaveCount(0);
    }
    await app.page.getByRole('link', { name: 'History' }).click();
    const rows = app.page.getByRole('main').getByRole('listitem');
    await expect(rows).toHaveCount(finalResponses.length);
    // Newest first.
    for (const [index, response] of [...finalResponses].reverse().entries()) {
      await expect(rows.nth(index)).toContainText(response.history);
      await expect(rows.nth(index)).toContainText(response.words);
    }
  },
);

test(
  'a redirect within the same domain is followed once, and the card says where the call went',
  { annotation: { type: 'interop', description: 'sipp | 3xx redirect (same domain, followed) | app calls' } },
  async ({ openApp }) => {
    const [redirecting, target] = [await createSipUser('sipp'), await createSipUser('sipp')];
    const answering = await sippPeer({
      scenario: 'answer.xml',
      user: target,
      register: true,
      fill: { answer_sdp: ANSWER, in_call: PLAY },
    });
    const moving = await sippPeer({
      scenario: 'reject.xml',
      user: redirecting,
      register: true,
      fill: { code: '302', reason: 'Moved Temporarily', final_headers: `Contact: <${target.uri}>` },
    });
    const app = await registeredPhone(openApp, 'bob');
    const call = await dialFromApp(app, redirecting.uri);
    await expect(call.getByRole('status').first()).toContainText('Connected', connected);
    await expect(call.getByText(`Forwarded to ${target.username}@softphone.test`)).toBeVisible();
    await call.getByRole('button', { name: 'Hang up' }).click();
    await expectCompleted(moving);
    await expectCompleted(answering);
  },
);

test(
  'a redirect to another domain is not followed, and the app says so',
  { annotation: { type: 'interop', description: 'sipp | 3xx redirect (other domain, refused) | app calls' } },
  async ({ openApp }) => {
    const far = await createSipUser('sipp');
    const sipp = await sippPeer({
      scenario: 'reject.xml',
      user: far,
      register: true,
      fill: {
        code: '302',
        reason: 'Moved Temporarily',
        final_headers: 'Contact: <sip:premium@elsewhere.example>',
      },
    });
    const app = await registeredPhone(openApp, 'carol');
    await dialFromApp(app, far.uri);
    await expect(endNotice(app)).toContainText('outside your phone service', connected);
    await expectCompleted(sipp);
  },
);

test(
  'the far end transfers the app (REFER): the app calls the target, and the new call says who passed it on',
  { annotation: { type: 'interop', description: 'sipp | transfer by peer (REFER, followed) | app calls' } },
  async ({ openApp }) => {
    const [transferor, target] = [await createSipUser('sipp'), await createSipUser('sipp')];
    const answering = await sippPeer({
      scenario: 'answer.xml',
      user: target,
      register: true,
      fill: { answer_sdp: ANSWER, in_call: PLAY },
    });
    const referring = await sippPeer({
      scenario: 'refer.xml',
      user: transferor,
      register: true,
      fill: {
        answer_sdp: ANSWER,
        target: target.uri,
        // Trying, then the target's ringing and its answer.
        notifications: ['100', '180', '200']
          .map((status) => sippStep('notify', 'uas', { status }))
          .join('\n'),
      },
    });
    const app = await registeredPhone(openApp, 'dave');
    await dialFromApp(app, transferor.uri);
    const transferred = app.page.getByRole('region', { name: `Call with ${target.username}` });
    await expect(transferred.getByRole('status').first()).toContainText('Connected', connected);
    await expect(
      transferred.getByText(`Passed on to you by ${transferor.username}@softphone.test`),
    ).toBeVisible();
    // The transferor hangs up once told the transfer connected.
    await expectCompleted(referring);
    await expect(app.page.getByRole('region', { name: `Call with ${transferor.username}` })).toHaveCount(0);
    await transferred.getByRole('button', { name: 'Hang up' }).click();
    await expectCompleted(answering);
  },
);

test(
  'a transfer the far end asks for is refused when policy says so, and the call says why',
  {
    annotation: {
      type: 'interop',
      description: 'sipp | transfer by peer (REFER, refused by policy) | app calls',
    },
  },
  async ({ openApp }) => {
    const [transferor, target] = [await createSipUser('sipp'), await createSipUser('sipp')];
    const referring = await sippPeer({
      scenario: 'refer.xml',
      user: transferor,
      register: true,
      fill: {
        answer_sdp: ANSWER,
        target: target.uri,
        notifications: ['100', '603'].map((status) => sippStep('notify', 'uas', { status })).join('\n'),
        after_transfer: sippStep('wait-info', 'uas'),
      },
    });
    const app = await registeredPhone(openApp, 'erin', { policy: { allowTransferByFarEnd: false } });
    await sendTonesAsInfo(app);
    const call = await dialFromApp(app, transferor.uri);
    await expect(call.getByText("Your company's settings do not allow that")).toBeVisible(connected);
    await expect(app.page.getByRole('region', { name: `Call with ${target.username}` })).toHaveCount(0);
    await expect(call.getByRole('status').first()).toContainText('Connected');
    await pressKey(call, '1');
    await expectCompleted(referring);
    expect(await referring.log()).toContain('notified: SIP/2.0 603');
  },
);

test(
  "a phone's attended transfer to the app (INVITE with Replaces) takes over the call without ringing",
  { annotation: { type: 'interop', description: 'sipp | INVITE with Replaces | peer calls' } },
  async ({ openApp }) => {
    const app = await registeredPhone(openApp, 'frank');
    await sendTonesAsInfo(app);
    const [first, second] = [await createSipUser('sipp'), await createSipUser('sipp')];
    const callId = `replaced-${Date.now()}@sipp.test`;
    const replaced = await sippPeer({
      scenario: 'replaced.xml',
      user: first,
      keys: { callee: app.user.username },
      fill: { offer_sdp: ANSWER },
      extraArgs: ['-cid_str', callId],
    });
    const firstCall = app.page.getByRole('region', { name: `Call with ${first.username}` });
    await firstCall.getByRole('button', { name: 'Answer' }).click();
    await expect(firstCall.getByRole('status').first()).toContainText('Connected', connected);
    await expect.poll(async () => /totag=(\S+)/.exec(await replaced.log())?.[1], connected).toBeTruthy();
    const toTag = /totag=(\S+)/.exec(await replaced.log())![1]!;
    const replacing = await sippPeer({
      scenario: 'replaces.xml',
      user: second,
      keys: { callee: app.user.username, replaces: `${callId};to-tag=${toTag};from-tag=replaced-from` },
      fill: { offer_sdp: ANSWER, in_call: sippStep('wait-info', 'uac') },
    });
    const secondCall = app.page.getByRole('region', { name: `Call with ${second.username}` });
    // Connected without anyone pressing Answer; the replaced call is gone.
    await expect(secondCall.getByRole('status').first()).toContainText('Connected', connected);
    await expectCompleted(replaced);
    await expect(firstCall).toHaveCount(0);
    await pressKey(secondCall, '1');
    await expectCompleted(replacing);
    await expect(app.page.getByRole('region', { name: /^Call with / })).toHaveCount(0);
  },
);

test(
  'no audio from the far end: the card says so, then the call is ended for it and History keeps why',
  { annotation: { type: 'interop', description: 'sipp | no audio (media watchdog) | app calls' } },
  async ({ openApp }) => {
    const far = await createSipUser('sipp');
    // Answers and sends nothing at all, neither RTP nor RTCP.
    const sipp = await sippPeer({
      scenario: 'answer.xml',
      user: far,
      register: true,
      fill: { answer_sdp: ANSWER },
    });
    const app = await registeredPhone(openApp, 'gina', {
      policy: { mediaTimeoutSeconds: 4, mediaHangupSeconds: 10 },
    });
    const call = await dialFromApp(app, far.uri);
    await expect(call.getByRole('status').first()).toContainText('Connected', connected);
    await expect(call.getByRole('alert')).toHaveText('No audio from the other side', connected);
    // Never "good" without packets.
    await expect(call.getByText('Good connection')).toHaveCount(0);
    await expect(endNotice(app)).toContainText('no sound arrived from the other side', connected);
    await expect(call).toHaveCount(0);
    await expectCompleted(sipp);
    await app.page.getByRole('link', { name: 'History' }).click();
    await expect(app.page.getByRole('main').getByRole('listitem')).toContainText(
      'The call was ended because no sound arrived from the other side.',
    );
  },
);
