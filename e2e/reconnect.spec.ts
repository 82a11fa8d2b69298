import { readFile } from 'node:fs/promises';
import { kamcmd } from './provider/kamailio.js';
import { expect, test } from './support/fixtures.js';
import { connectedCall, twoRegisteredPhones } from './support/phone.js';
import { startPrivateEdge } from './support/private-edge.js';

// These specs restart and cut their own SIP edge, so that the shared one stays untouched for the others.
let edge: Awaited<ReturnType<typeof startPrivateEdge>>;

test.beforeEach(async () => {
  edge = await startPrivateEdge();
});

test.afterEach(async () => {
  await edge.stop();
});

test('a restart of the SIP edge while registered leads to re-registration within 6 s', async ({
  openApp,
}) => {
  const { alice } = await twoRegisteredPhones(openApp, { ctlSocket: edge.ctlSocket, wssUrl: edge.wssUrl });
  const { wssPort, udpPort } = edge;
  await edge.stop();
  edge = await startPrivateEdge({ dir: edge.dir, wssPort, udpPort });
  const restartedAt = Date.now();
  // The registrar is in memory: the user is back only when the app registered again.
  await kamcmd(edge.ctlSocket, 'htable.sets', 'auth', alice.username, alice.password);
  await expect
    .poll(
      () =>
        kamcmd(edge.ctlSocket, 'ul.lookup', 'location', `${alice.username}@softphone.test`).catch(() => ''),
      { timeout: 6_000 },
    )
    .toContain('Contact');
  console.log(`re-registered ${Date.now() - restartedAt} ms after the edge came back`);
});

test('the WebSocket dropped mid-call keeps the call, and a later hangup by the far end still ends it', async ({
  openApp,
}) => {
  const phones = await twoRegisteredPhones(openApp, { ctlSocket: edge.ctlSocket, wssUrl: edge.wssUrl });
  const { outgoing, incoming } = await connectedCall(phones);

  // Close Alice's WebSocket on the server side (kamcmd ws.close), found by her registration's source port.
  const contact = await kamcmd(
    edge.ctlSocket,
    'ul.lookup',
    'location',
    `${phones.alice.username}@softphone.test`,
  );
  const port = /Received: sip:127\.0\.0\.1:(\d+)/.exec(contact)?.[1];
  expect(port, contact).toBeTruthy();
  const connections = await kamcmd(edge.ctlSocket, 'ws.dump');
  const id =
    new RegExp(`id: (\\d+)[^}]*?src: [^}]*?127\\.0\\.0\\.1:${port}`, 's').exec(connections)?.[1] ??
    new RegExp(`(\\d+): [^\\n]*127\\.0\\.0\\.1:${port}`).exec(connections)?.[1];
  expect(id, connections).toBeTruthy();
  await kamcmd(edge.ctlSocket, 'ws.close', id!);

  // Alice reconnects and registers again over a new connection...
  const lookup = () =>
    kamcmd(edge.ctlSocket, 'ul.lookup', 'location', `${phones.alice.username}@softphone.test`).catch(
      () => '',
    );
  const receivedPort = async () => /Received: sip:127\.0\.0\.1:(\d+)/.exec(await lookup())?.[1] ?? null;
  await expect.poll(receivedPort, { timeout: 6_000 }).toMatch(new RegExp(`^(?!${port}$)\\d+$`));
  const newPort = await receivedPort();
  // ...and refreshes the call through it (a re-INVITE carrying her new Contact), which the edge logs.
  // (Any INVITE on her new connection: she places no other call. Its request URI is Bob's Contact.)
  const refresh = new RegExp(`request INVITE [^\\n]* from wss:127\\.0\\.0\\.1:${newPort}\\n`);
  await expect
    .poll(async () => refresh.test(await readFile(edge.logPath, 'utf8')), { timeout: 6_000 })
    .toBe(true);
  await expect(outgoing.getByRole('status').first()).toContainText('Connected');
  // Bob hangs up: his BYE must reach Alice over her new connection.
  await incoming.getByRole('button', { name: 'Hang up' }).click();
  await expect(outgoing).toHaveCount(0, { timeout: 2_000 });
});
