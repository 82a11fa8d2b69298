import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:https';
import { listenOnLoopback } from '../../electron/net/listen-on-loopback.js';

export interface UpdateFeed {
  /** The policy's `updateUrl`: electron-updater's generic provider reads `latest-linux.yml` below it. */
  url: string;
  port: number;
  version: string;
  /** The package the feed offers (random bytes standing in for a .deb), to compare with a download. */
  packageBytes: Buffer;
  /** Paths requested so far, without their query. */
  requests(): string[];
  stop(): Promise<void>;
}

/**
 * An update server as electron-builder publishes to a generic provider: the channel file `latest-linux.yml`
 * (version, file name, SHA-512 and size, electron-builder's format) and the package beside it, over HTTPS
 * with the run's certificate.
 */
export async function startUpdateFeed(options: {
  pki: { serverCertPath: string; serverKeyPath: string };
  version: string;
}): Promise<UpdateFeed> {
  const packageName = `secure-softphone_${options.version}_amd64.deb`;
  const packageBytes = randomBytes(256 * 1024);
  const sha512 = createHash('sha512').update(packageBytes).digest('base64');
  const channelFile = [
    `version: ${options.version}`,
    'files:',
    `  - url: ${packageName}`,
    `    sha512: ${sha512}`,
    `    size: ${packageBytes.length}`,
    `path: ${packageName}`,
    `sha512: ${sha512}`,
    `releaseDate: '${new Date().toISOString()}'`,
    '',
  ].join('\n');
  const requested: string[] = [];
  const server = createServer(
    { key: await readFile(options.pki.serverKeyPath), cert: await readFile(options.pki.serverCertPath) },
    (request, response) => {
      const path = new URL(request.url ?? '/', 'https://feed').pathname;
      requested.push(path);
      if (path === '/softphone/latest-linux.yml') {
        response.setHeader('content-type', 'text/yaml');
        response.end(channelFile);
      } else if (path === `/softphone/${packageName}`) {
        response.setHeader('content-type', 'application/vnd.debian.binary-package');
        response.setHeader('content-length', String(packageBytes.length));
        response.end(packageBytes);
      } else {
        response.statusCode = 404;
        response.end('not found');
      }
    },
  );
  server.on('tlsClientError', () => {});
  const port = await listenOnLoopback(server);
  return {
    url: `https://127.0.0.1:${port}/softphone`,
    port,
    version: options.version,
    packageBytes,
    requests: () => [...requested],
    async stop() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
