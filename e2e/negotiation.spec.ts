import { expect, test } from './support/fixtures.js';
import { createSipUser, receivedAudioLevel, registeredPhone, playingTone } from './support/phone.js';
import { sippStep } from './support/sipp.js';
import {
  dialFromApp,
  endNotice,
  expectCompleted,
  PCMA,
  plainSdp,
  PLAY,
  phoneAt,
  pressKey,
  sendTonesAsInfo,
  sippGap,
  sippPeer,
  untouchedEdge,
} from './support/sipp-calls.js';

// The app negotiates what real peers offer, against sipp (a SIP peer we did not write, e2e/sipp/*.xml)
// through the stack's edge: Kamailio, and rtpengine between the app's ICE and DTLS-SRTP and sipp's plain
// RTP without ICE (a peer that does no ICE, via the SBC). Two app instances and sipp on 2 cores: generous.
test.describe.configure({ timeout: 90_000 });

const connected = { timeout: 15_000 };

test(
  'a plain phone answers with one audio m-line and no BUNDLE: connected, its audio heard',
  {
    annotation: {
      type: 'interop',
      description: 'sipp | connect (one m-line, no BUNDLE, no ICE) | app calls',
    },
  },
  async ({ openApp }) => {
    const far = await createSipUser('sipp');
    const sipp = await sippPeer({
      scenario: 'answer.xml',
      user: far,
      register: true,
      fill: { answer_sdp: plainSdp(...PCMA, 'a=sendrecv'), in_call: PLAY },
    });
    const app = await registeredPhone(openApp, 'alice');
    const call = await dialFromApp(app, far.uri);
    await expect(call.getByRole('status').first()).toContainText('Connected', connected);
    await expect(call.getByText('Encrypted to your provider')).toBeVisible();
    await expect.poll(() => receivedAudioLevel(app.page), { timeout: 15_000 }).toBeGreaterThan(5);
    await call.getByRole('button', { name: 'Hang up' }).click();
    await expectCompleted(sipp);
  },
);

test(
  'a phone that offers video and a data stream besides audio: the app answers them with port 0 and talks',
  {
    annotation: [
      { type: 'interop', description: 'sipp | several m-lines (video answered with port 0) | peer calls' },
      { type: 'interop', description: 'sipp | 100rel supported, not required | peer calls' },
    ],
  },
  async ({ openApp }) => {
    const app = await registeredPhone(openApp, 'bob');
    const far = await createSipUser('sipp');
    const offer = plainSdp(
      ...PCMA,
      'a=sendrecv',
      'm=video [media_port+2] RTP/AVP 96',
      'a=rtpmap:96 H264/90000',
      'a=sendrecv',
      // A conference phone's floor control (RFC 4583).
      'm=application 5070 TCP/BFCP *',
      'a=setup:actpass',
      'a=floorctrl:c-only',
    );
    const sipp = await sippPeer({
      scenario: 'call.xml',
      user: far,
      keys: { callee: app.user.username },
      fill: {
        offer_sdp: offer,
        offer_headers: 'Supported: 100rel, timer',
        answer_checks: [
          '<ereg regexp="m=audio [1-9][0-9]* RTP/AVP" search_in="body" check_it="true" assign_to="audio"/>',
          '<ereg regexp="m=video 0 " search_in="body" check_it="true" assign_to="video"/>',
          '<ereg regexp="m=application 0 " search_in="body" check_it="true" assign_to="floor"/>',
          '<log message="answered [$audio], [$video] and [$floor]"/>',
        ].join('\n'),
        in_call: PLAY,
        hangup: sippStep('hung-up', 'uac'),
      },
    });
    const call = app.page.getByRole('region', { name: `Call with ${far.username}` });
    await call.getByRole('button', { name: 'Answer' }).click();
    await expect(call.getByRole('status').first()).toContainText('Connected', connected);
    await expect.poll(() => receivedAudioLevel(app.page), { timeout: 15_000 }).toBeGreaterThan(5);
    await call.getByRole('button', { name: 'Hang up' }).click();
    await expectCompleted(sipp);
  },
);

test(
  'the far end holds and resumes every way phones do: sendonly, c=0.0.0.0, inactive by UPDATE, a delayed offer',
  {
    annotation: [
      { type: 'interop', description: 'sipp | hold by peer (re-INVITE sendonly) | app calls' },
      { type: 'interop', description: 'sipp | hold by peer (c=0.0.0.0) | app calls' },
      { type: 'interop', description: 'sipp | hold by peer (UPDATE, inactive) | app calls' },
      { type: 'interop', description: 'sipp | re-INVITE without SDP (delayed offer) | app calls' },
    ],
  },
  async ({ openApp }) => {
    const far = await createSipUser('sipp');
    const audio = (direction: string) => plainSdp(...PCMA, direction);
    const zeroAddress = plainSdp(...PCMA, 'a=sendrecv').replace('c=IN IP4 [media_ip]', 'c=IN IP4 0.0.0.0');
    const steps: [string, Record<string, string | number>][] = [
      ['reinvite', { cseq: 1001, sdp: audio('a=sendonly') }],
      ['reinvite', { cseq: 1002, sdp: audio('a=sendrecv') }],
      ['reinvite', { cseq: 1003, sdp: zeroAddress }],
      ['reinvite', { cseq: 1004, sdp: audio('a=sendrecv') }],
      ['update', { cseq: 1005, sdp: audio('a=inactive') }],
      ['update', { cseq: 1006, sdp: audio('a=sendrecv') }],
      ['reinvite-without-sdp', { cseq: 1007, sdp: audio('a=sendrecv') }],
    ];
    const sipp = await sippPeer({
      scenario: 'far-end-offers.xml',
      user: far,
      register: true,
      fill: {
        answer_sdp: audio('a=sendrecv'),
        // The first hold waits for a key too: "Connected" is seen before the far end holds.
        steps: [
          sippStep('wait-info', 'uas'),
          ...steps.map(
            ([name, values]) => `${sippStep(name, 'uas', values)}\n${sippStep('wait-info', 'uas')}`,
          ),
        ].join('\n'),
      },
    });
    const app = await registeredPhone(openApp, 'carol');
    await sendTonesAsInfo(app);
    const call = await dialFromApp(app, far.uri);
    const state = call.getByRole('status').first();
    await expect(state).toContainText('Connected', connected);
    await pressKey(call, '0');
    const expected = [
      'Put on hold by the other side',
      'Connected',
      'Put on hold by the other side',
      'Connected',
      'Put on hold by the other side',
      'Connected',
      'Connected',
    ];
    for (const [index, text] of expected.entries()) {
      // Each step of the far end, then the key that lets it go on to the next one.
      await expect(state).toContainText(text, connected);
      await pressKey(call, String(index + 1));
    }
    // The far end hangs up after its last step.
    await expect(call).toHaveCount(0, connected);
    await expectCompleted(sipp);
    const held = (await sipp.log()).match(/answered \d+/g) ?? [];
    expect(held).toHaveLength(6);
  },
);

test(
  'a far end that only receives (recvonly re-INVITE): the app answers sendonly, keeps sending, shows no hold',
  { annotation: { type: 'interop', description: 'sipp | far end receives only (recvonly) | app calls' } },
  async ({ openApp }) => {
    const far = await createSipUser('sipp');
    const audio = (direction: string) => plainSdp(...PCMA, direction);
    const sendsOnly = [
      '<ereg regexp="a=sendonly" search_in="body" check_it="true" assign_to="direction"/>',
      '<log message="answer to recvonly: [$direction]"/>',
    ].join('\n');
    const steps = [
      sippStep('reinvite', 'uas', { cseq: 1001, sdp: audio('a=recvonly'), answer_checks: sendsOnly }),
      sippStep('wait-info', 'uas'),
      sippStep('reinvite', 'uas', { cseq: 1002, sdp: audio('a=sendrecv') }),
      sippStep('wait-info', 'uas'),
    ];
    const sipp = await sippPeer({
      scenario: 'far-end-offers.xml',
      user: far,
      register: true,
      fill: { answer_sdp: audio('a=sendrecv'), steps: steps.join('\n') },
    });
    const app = await registeredPhone(openApp, 'ivan');
    await sendTonesAsInfo(app);
    const call = await dialFromApp(app, far.uri);
    const state = call.getByRole('status').first();
    await expect(state).toContainText('Connected', connected);
    await expect.poll(() => sipp.log(), connected).toContain('answer to recvonly: a=sendonly');
    // What the app sends still reaches the far end (G.711 A-law, payload type 8); no hold is shown.
    const sent = await sipp.watchRtp(8, 10_000);
    await sent;
    await expect(state).toContainText('Connected');
    await expect(state).not.toContainText('hold');
    await pressKey(call, '1');
    await expect(state).toContainText('Connected', connected);
    await pressKey(call, '2');
    await expect(call).toHaveCount(0, connected);
    await expectCompleted(sipp);
  },
);

test(
  'glare: the far end refuses the app’s hold with 491 while re-inviting itself; the app holds later, the call goes on',
  {
    annotation: { type: 'interop', description: 'sipp | re-INVITE glare (491), app tries again | app calls' },
  },
  async ({ openApp }) => {
    const far = await createSipUser('sipp');
    const audio = (direction: string) => plainSdp(...PCMA, direction);
    const retried = [
      '<ereg regexp="[0-9]+" search_in="hdr" header="CSeq:" assign_to="retry_cseq"/>',
      '<ereg regexp="a=sendonly|a=inactive" search_in="body" check_it="true" assign_to="retry_hold"/>',
      '<log message="glare: app re-INVITE CSeq [$retry_cseq] after the 491, [$retry_hold]"/>',
    ].join('\n');
    const resumed = [
      '<ereg regexp="a=sendrecv" search_in="body" check_it="true" assign_to="resume"/>',
      '<log message="resumed: [$resume]"/>',
    ].join('\n');
    const sipp = await sippPeer({
      scenario: 'answer.xml',
      user: far,
      register: true,
      fill: {
        answer_sdp: audio('a=sendrecv'),
        in_call: [
          sippStep('glare', 'uas', {
            far_end_reinvite: sippStep('reinvite', 'uas', { cseq: 1001, sdp: audio('a=sendrecv') }),
          }),
          sippStep('answer-reinvite', 'uas', { checks: retried, answer_sdp: audio('a=recvonly') }),
          sippStep('answer-reinvite', 'uas', { checks: resumed, answer_sdp: audio('a=sendrecv') }),
        ].join('\n'),
      },
    });
    const app = await registeredPhone(openApp, 'glare');
    const call = await dialFromApp(app, far.uri);
    const state = call.getByRole('status').first();
    await expect(state).toContainText('Connected', connected);
    await call.getByRole('button', { name: 'Hold' }).click();
    await expect.poll(() => sipp.log(), connected).toContain('after the 491');
    await expect(state).toContainText('On hold');
    const log = await sipp.log();
    const first = Number(/CSeq (\d+) refused with 491/.exec(log)?.[1]);
    const retry = Number(/CSeq (\d+) after the 491/.exec(log)?.[1]);
    expect(retry, 'the retry is a new transaction').toBeGreaterThan(first);
    // RFC 3261 14.1: the owner of the Call-ID (the app placed the call) waits 2.1 to 4 s.
    const waited = await sippGap(sipp, /^SIP\/2\.0 491/m, /^INVITE /m);
    expect(waited).toBeGreaterThanOrEqual(2100);
    expect(waited).toBeLessThan(4000 + 1500);
    await call.getByRole('button', { name: 'Hold' }).click();
    await expect(state).toContainText('Connected', connected);
    await expect.poll(() => sipp.log(), connected).toContain('resumed: a=sendrecv');
    await call.getByRole('button', { name: 'Hang up' }).click();
    await expectCompleted(sipp);
  },
);

test(
  'early media with a reliable 183 (100rel, PRACK): no ringback of ours while the far end plays its own',
  {
    annotation: [
      { type: 'interop', description: 'sipp | early media (183 with SDP) | app calls' },
      { type: 'interop', description: 'sipp | 100rel/PRACK | app calls' },
    ],
  },
  async ({ openApp }) => {
    const far = await createSipUser('sipp');
    const sdp = plainSdp(...PCMA, 'a=sendrecv');
    const sipp = await sippPeer({
      scenario: 'early-media.xml',
      user: far,
      register: true,
      fill: {
        early_ms: '8000',
        answer_sdp: sdp,
        reliable_headers: 'Require: 100rel\nRSeq: 1',
        prack: [
          '<recv request="PRACK">',
          '  <action>',
          '    <ereg regexp="^ *1 [0-9]+ INVITE" search_in="hdr" header="RAck:" check_it="true" assign_to="rack"/>',
          '    <log message="PRACK RAck:[$rack]"/>',
          '  </action>',
          '</recv>',
          '<send><![CDATA[',
          'SIP/2.0 200 OK',
          '[last_Via:]',
          '[last_From:]',
          '[last_To:]',
          '[last_Call-ID:]',
          '[last_CSeq:]',
          'Content-Length: 0',
          '',
          ']]></send>',
        ].join('\n'),
      },
    });
    const app = await registeredPhone(openApp, 'dave');
    const call = await dialFromApp(app, far.uri);
    await expect(call.getByRole('status').first()).toHaveText('Ringing…', connected);
    // The announcement plays and our ringback does not.
    await expect.poll(() => receivedAudioLevel(app.page), { timeout: 7_000 }).toBeGreaterThan(5);
    expect(await playingTone(app.page)).toBeNull();
    await expect(call.getByRole('status').first()).toContainText('Connected', connected);
    await call.getByRole('button', { name: 'Hang up' }).click();
    await expectCompleted(sipp);
    expect(await sipp.log()).toContain('PRACK RAck:');
  },
);

test(
  'a caller that requires 100rel is refused with 420, and the app says why',
  { annotation: { type: 'interop', description: 'sipp | 100rel required (refused with 420) | peer calls' } },
  async ({ openApp }) => {
    const app = await registeredPhone(openApp, 'erin');
    const far = await createSipUser('sipp');
    const sipp = await sippPeer({
      scenario: 'call-refused.xml',
      user: far,
      keys: { callee: app.user.username },
      fill: {
        code: '420',
        offer_sdp: plainSdp(...PCMA, 'a=sendrecv'),
        offer_headers: 'Require: 100rel\nSupported: 100rel',
        refusal_checks: [
          '<ereg regexp="100rel" search_in="hdr" header="Unsupported:" check_it="true" assign_to="unsupported"/>',
          '<log message="unsupported: [$unsupported]"/>',
        ].join('\n'),
      },
    });
    await expectCompleted(sipp);
    await expect(app.page.locator('.call-end-notice')).toContainText('needs a feature the app does not have');
    await expect(app.page.getByRole('region', { name: /^Call with / })).toHaveCount(0);
  },
);

test(
  'session timers: the app refreshes when the far end makes it the refresher',
  { annotation: { type: 'interop', description: 'sipp | session timer, app refreshes | app calls' } },
  async ({ openApp }) => {
    test.setTimeout(120_000);
    const far = await createSipUser('sipp');
    const sipp = await sippPeer({
      scenario: 'answer.xml',
      user: far,
      register: true,
      timeoutSeconds: 100,
      fill: {
        answer_sdp: plainSdp(...PCMA, 'a=sendrecv'),
        answer_headers: 'Session-Expires: 60;refresher=uac\nRequire: timer',
        // JsSIP refreshes at half the interval: 30 s.
        in_call: sippStep('refreshed', 'uas', { within_ms: 45_000 }),
      },
    });
    const app = await registeredPhone(openApp, 'frank');
    const call = await dialFromApp(app, far.uri);
    await expect(call.getByRole('status').first()).toContainText('Connected', connected);
    await expect
      .poll(async () => (await sipp.messages()).includes('UPDATE sip:'), { timeout: 45_000 })
      .toBe(true);
    await expect(call.getByRole('status').first()).toContainText('Connected');
    await call.getByRole('button', { name: 'Hang up' }).click();
    await expectCompleted(sipp);
  },
);

test(
  'session timers: the far end refreshes, and the app keeps the timer it named',
  { annotation: { type: 'interop', description: 'sipp | session timer, peer refreshes | peer calls' } },
  async ({ openApp }) => {
    const app = await registeredPhone(openApp, 'gina');
    const far = await createSipUser('sipp');
    const sipp = await sippPeer({
      scenario: 'call.xml',
      user: far,
      keys: { callee: app.user.username },
      fill: {
        offer_sdp: plainSdp(...PCMA, 'a=sendrecv'),
        offer_headers: 'Session-Expires: 60;refresher=uac\nSupported: timer',
        answer_checks: [
          '<ereg regexp="60;refresher=uac" search_in="hdr" header="Session-Expires:" check_it="true" assign_to="timer"/>',
          '<log message="answered with [$timer]"/>',
        ].join('\n'),
        in_call: `${sippStep('refresh', 'uac', { cseq: 3 })}\n${sippStep('wait-info', 'uac')}`,
        hangup: sippStep('hang-up', 'uac'),
      },
    });
    await sendTonesAsInfo(app);
    const call = app.page.getByRole('region', { name: `Call with ${far.username}` });
    await call.getByRole('button', { name: 'Answer' }).click();
    await expect(call.getByRole('status').first()).toContainText('Connected', connected);
    await expect.poll(async () => (await sipp.log()).includes('refreshed 3'), { timeout: 15_000 }).toBe(true);
    await pressKey(call, '5');
    await expect(call).toHaveCount(0, connected);
    await expectCompleted(sipp);
  },
);

test(
  'G.711-only, G.722 and Opus offers are answered in kind; telephone-event at payload type 96 and 30 ms ptime',
  {
    annotation: [
      { type: 'interop', description: 'sipp | G.711 only, ptime 30 | peer calls' },
      { type: 'interop', description: 'sipp | G.722 | peer calls' },
      { type: 'interop', description: 'sipp | Opus | peer calls' },
      { type: 'interop', description: 'sipp | telephone-event at PT 96 (DTMF) | peer calls' },
    ],
  },
  async ({ openApp }) => {
    test.setTimeout(150_000);
    const app = await registeredPhone(openApp, 'hank');
    const offers = [
      {
        name: 'PCMU only',
        media: [
          'm=audio [media_port] RTP/AVP 0 96',
          'a=rtpmap:0 PCMU/8000',
          'a=rtpmap:96 telephone-event/8000',
          'a=fmtp:96 0-15',
          'a=ptime:30',
        ],
        answered: 'RTP/AVP 0 96',
        dtmfPayloadType: 96,
      },
      {
        name: 'G.722',
        media: [
          'm=audio [media_port] RTP/AVP 9 101',
          'a=rtpmap:9 G722/8000',
          'a=rtpmap:101 telephone-event/8000',
        ],
        answered: 'RTP/AVP 9 101',
        dtmfPayloadType: null,
      },
      {
        name: 'Opus',
        media: [
          'm=audio [media_port] RTP/AVP 107 127',
          'a=rtpmap:107 opus/48000/2',
          'a=fmtp:107 useinbandfec=1',
          'a=rtpmap:127 telephone-event/48000',
          'a=ptime:20',
        ],
        answered: 'RTP/AVP 107 127',
        dtmfPayloadType: null,
      },
    ];
    for (const offer of offers) {
      const far = await createSipUser('sipp');
      const sipp = await sippPeer({
        scenario: 'call.xml',
        user: far,
        keys: { callee: app.user.username },
        fill: {
          offer_sdp: plainSdp(...offer.media, 'a=sendrecv'),
          answer_checks: [
            `<ereg regexp="m=audio [1-9][0-9]* ${offer.answered}" search_in="body" check_it="true" assign_to="codec"/>`,
            '<log message="answered [$codec]"/>',
          ].join('\n'),
          hangup: sippStep('hung-up', 'uac'),
        },
      });
      const call = app.page.getByRole('region', { name: `Call with ${far.username}` });
      await call.getByRole('button', { name: 'Answer' }).click();
      await expect(call.getByRole('status').first(), offer.name).toContainText('Connected', connected);
      if (offer.dtmfPayloadType !== null) {
        // RFC 4733 events reach the far end at the payload type it chose.
        const event = await sipp.watchRtp(offer.dtmfPayloadType, 10_000);
        await pressKey(call, '7');
        await event;
      }
      await call.getByRole('button', { name: 'Hang up' }).click();
      await expectCompleted(sipp);
      expect(await sipp.log(), offer.name).toContain('answered');
    }
  },
);

// Through an edge that relays SDP untouched, what the browser cannot take reaches the app as it is.
const SDES = [
  'm=audio [media_port] RTP/SAVP 8 101',
  'a=rtpmap:8 PCMA/8000',
  'a=rtpmap:101 telephone-event/8000',
  'a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVzcww=',
  'a=rtcp-mux',
  'a=sendrecv',
];
const SDES_WORDS = 'This call offers an encryption the app does not accept';

test(
  'an offer with SDES keys and no DTLS fingerprint is refused at once, in words, and kept in History',
  { annotation: { type: 'interop', description: 'sipp | SDES-only offer (refused, said why) | peer calls' } },
  async ({ openApp }) => {
    const edge = await untouchedEdge();
    const app = await phoneAt(openApp, edge, 'ivan');
    const far = await createSipUser('sipp', edge.ctlSocket);
    const sipp = await sippPeer({
      scenario: 'call-refused.xml',
      user: far,
      edgeUdpPort: edge.udpPort,
      keys: { callee: app.user.username },
      fill: { code: '488', offer_sdp: plainSdp(...SDES) },
    });
    await expectCompleted(sipp);
    await expect(endNotice(app)).toContainText(SDES_WORDS);
    await expect(app.page.getByRole('region', { name: /^Call with / })).toHaveCount(0);
    await app.page.getByRole('link', { name: /^History/ }).click();
    await expect(app.page.getByRole('main').getByRole('listitem')).toContainText('Incoming · failed');
    await expect(app.page.getByRole('main').getByRole('listitem')).toContainText(SDES_WORDS);
  },
);

test(
  'an answer with SDES keys and no DTLS fingerprint ends the call at once, in words',
  { annotation: { type: 'interop', description: 'sipp | SDES-only answer (refused, said why) | app calls' } },
  async ({ openApp }) => {
    const edge = await untouchedEdge();
    const app = await phoneAt(openApp, edge, 'judy');
    const far = await createSipUser('sipp', edge.ctlSocket);
    const sipp = await sippPeer({
      scenario: 'answer.xml',
      user: far,
      register: true,
      edgeUdpPort: edge.udpPort,
      fill: { answer_sdp: plainSdp(...SDES) },
    });
    const call = await dialFromApp(app, far.uri);
    await expect(endNotice(app)).toContainText(SDES_WORDS, connected);
    await expect(call).toHaveCount(0);
    // The app acknowledged the answer and hung up (sipp's scenario ends with the app's BYE).
    await expectCompleted(sipp);
  },
);

test(
  'a peer that cannot multiplex RTCP is refused at once, and the app names it',
  { annotation: { type: 'interop', description: 'sipp | no rtcp-mux (refused, named) | peer calls' } },
  async ({ openApp }) => {
    const edge = await untouchedEdge();
    const app = await phoneAt(openApp, edge, 'kate');
    const far = await createSipUser('sipp', edge.ctlSocket);
    const dtlsWithoutMux = plainSdp(
      'm=audio [media_port] UDP/TLS/RTP/SAVP 8',
      'a=rtpmap:8 PCMA/8000',
      'a=setup:actpass',
      'a=fingerprint:sha-256 29:86:52:0B:7C:6E:21:44:8F:10:5A:3E:90:CC:D1:7A:4B:2E:66:13:F0:9D:C8:55:31:AE:07:BB:42:19:E6:7D',
      'a=sendrecv',
    );
    const sipp = await sippPeer({
      scenario: 'call-refused.xml',
      user: far,
      edgeUdpPort: edge.udpPort,
      keys: { callee: app.user.username },
      fill: { code: '488', offer_sdp: dtlsWithoutMux },
    });
    await expectCompleted(sipp);
    await expect(endNotice(app)).toContainText('RTCP multiplexing');
  },
);
