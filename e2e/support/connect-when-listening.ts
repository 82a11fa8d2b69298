import { connect, type NetConnectOpts, type Socket } from 'node:net';

/**
 * Connects to a peer's control socket (TCP port or Unix socket) once it listens: peers open it while they
 * start. Fails when the peer exits first (`exited` rejects) or after `timeoutMs`.
 */
export async function connectWhenListening(
  target: NetConnectOpts,
  exited: Promise<never>,
  timeoutMs: number,
): Promise<Socket> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const socket = await Promise.race([
      new Promise<Socket | null>((resolve) => {
        const attempt = connect(target, () => resolve(attempt));
        attempt.once('error', () => resolve(null));
      }),
      exited,
    ]);
    if (socket) return socket;
    if (Date.now() > deadline)
      throw new Error(`nothing listened on ${JSON.stringify(target)} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
