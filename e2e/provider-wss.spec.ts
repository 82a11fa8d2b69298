import { expect, test } from '@playwright/test';
import { connect } from 'node:tls';
import { setSipUser } from './provider/kamailio.js';
import { launchChromium } from './support/chromium.js';
import { readStackState } from './support/stack-state.js';

type SocketOutcome = { opened: boolean; closeCode: number | null; reply: string | null };

/** Opens a SIP WebSocket from a page, optionally sends one message, and reports what happened. */
async function openSipWebSocket(
  home: string,
  wssUrl: string,
  message: string | null,
): Promise<SocketOutcome> {
  const browser = await launchChromium({ home });
  try {
    const page = await browser.newPage();
    return await page.evaluate(
      ([url, sip]) =>
        new Promise<SocketOutcome>((resolve) => {
          const outcome: SocketOutcome = { opened: false, closeCode: null, reply: null };
          const socket = new WebSocket(url, 'sip');
          socket.onopen = () => {
            outcome.opened = true;
            if (sip) socket.send(sip);
            else socket.close(1000);
          };
          socket.onmessage = (event) => {
            outcome.reply = String(event.data);
            socket.close(1000);
          };
          socket.onclose = (event) => {
            outcome.closeCode = event.code;
            resolve(outcome);
          };
        }),
      [wssUrl, message] as const,
    );
  } finally {
    await browser.close();
  }
}

function register(user: string, domain: string): string {
  const branch = `z9hG4bK${Math.random().toString(36).slice(2)}`;
  return [
    `REGISTER sip:${domain} SIP/2.0`,
    `Via: SIP/2.0/WSS client.invalid;branch=${branch}`,
    'Max-Forwards: 70',
    `To: <sip:${user}@${domain}>`,
    `From: <sip:${user}@${domain}>;tag=${Math.random().toString(36).slice(2)}`,
    `Call-ID: ${Math.random().toString(36).slice(2)}`,
    'CSeq: 1 REGISTER',
    `Contact: <sip:${user}@client.invalid;transport=ws>`,
    'Expires: 60',
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
}

test('Chromium trusting the test CA speaks SIP over WSS with Kamailio', async () => {
  const state = readStackState();
  await setSipUser(state.ctlSocket, 'wss-probe', 'secret');
  const outcome = await openSipWebSocket(
    state.trustedHome,
    state.wssUrl,
    register('wss-probe', state.sipDomain),
  );
  expect(outcome.opened).toBe(true);
  // The registrar challenges the unauthenticated REGISTER: SIP is handled on the secure WebSocket.
  expect(outcome.reply).toMatch(/^SIP\/2\.0 401 Unauthorized/);
  expect(outcome.reply).toContain(`realm="${state.sipDomain}"`);
});

test('Chromium without the test CA cannot connect', async () => {
  const state = readStackState();
  const outcome = await openSipWebSocket(state.untrustedHome, state.wssUrl, null);
  expect(outcome.opened).toBe(false);
  expect(outcome.closeCode).toBe(1006);
});

test('Node trusts the stack only with the CA option', async () => {
  const state = readStackState();
  const port = Number(new URL(state.wssUrl).port);
  const handshake = (ca?: string) =>
    new Promise<string>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port, ...(ca && { ca }) }, () => {
        socket.destroy();
        resolve('ok');
      });
      socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
    });
  expect(await handshake(state.caCertPem)).toBe('ok');
  expect(await handshake()).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
});
