import type { AddressInfo, Server } from 'node:net';

/**
 * Starts `server` on 127.0.0.1 at a port the system chooses (RFC 8252 section 7.3), or at the given one,
 * and returns the port.
 */
export async function listenOnLoopback(server: Server, port = 0): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}
