import {
  configureRequestOptions,
  configureRequestUrl,
  HttpExecutor,
  type DownloadOptions,
} from 'builder-util-runtime';
import type { AppUpdater } from 'electron-updater';
import { EventEmitter } from 'node:events';
import type { OutgoingHttpHeaders, RequestOptions } from 'node:http';
import { Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { CertificateRejectedError } from '../net/certificate-decision.js';
import { ProxyError, type TrustedFetch } from '../net/http-client.js';
import type { UpdateServiceOptions } from './update-service.js';

/** electron-updater where this build updates itself, able to send its requests through main's client. */
export type HttpUpdater = NonNullable<UpdateServiceOptions['updater']> & {
  /** From now on, feed and downloads go through `fetch` (main's HTTP client). */
  useHttp(fetch: TrustedFetch): void;
};

function headersOf(options: RequestOptions): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries((options.headers ?? {}) as OutgoingHttpHeaders))
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : String(value);
  return headers;
}

/**
 * What the update status shows for a failed fetch: the refused certificate or the proxy, or the network
 * error below "fetch failed" (the update screen shows the first line).
 */
function failureOf(error: unknown): Error {
  let link = (error as { cause?: unknown } | null)?.cause;
  while (link instanceof Error) {
    if (link instanceof CertificateRejectedError || link instanceof ProxyError) return link;
    const code = (link as NodeJS.ErrnoException).code;
    if (typeof code === 'string') return new Error(`${code}: ${link.message}`, { cause: error });
    link = link.cause;
  }
  return error instanceof Error ? error : new Error(String(error));
}

function urlOf(options: RequestOptions): string {
  const port = options.port ? `:${options.port}` : '';
  return `${options.protocol ?? 'https:'}//${options.hostname}${port}${options.path ?? '/'}`;
}

/**
 * One request of electron-updater's, in the shape its `HttpExecutor` drives (Node's ClientRequest): `end()`
 * sends it through `fetch`, the response arrives as a Node stream carrying `statusCode` and `headers`,
 * failures as `error`, and `socket.setTimeout` becomes an inactivity timer over the response.
 */
class FetchRequest extends EventEmitter {
  private readonly controller = new AbortController();
  private idle: { ms: number; onTimeout: () => void; timer: NodeJS.Timeout | null } | null = null;

  constructor(
    private readonly fetch: TrustedFetch,
    private readonly options: RequestOptions,
    private readonly onResponse: (response: Readable) => void,
  ) {
    super();
    // HttpExecutor arms its timeout on the socket event; there is no socket here, only the response stream.
    queueMicrotask(() =>
      this.emit('socket', {
        setTimeout: (ms: number, onTimeout: () => void) => {
          this.idle = { ms, onTimeout, timer: null };
          this.touch();
        },
      }),
    );
  }

  private touch(): void {
    const idle = this.idle;
    if (!idle) return;
    if (idle.timer) clearTimeout(idle.timer);
    idle.timer = setTimeout(idle.onTimeout, idle.ms);
    idle.timer.unref();
  }

  private settle(): void {
    if (this.idle?.timer) clearTimeout(this.idle.timer);
    this.idle = null;
  }

  end(data?: Buffer): void {
    void this.send(data);
  }

  abort(): void {
    this.settle();
    this.controller.abort();
  }

  private async send(data?: Buffer): Promise<void> {
    try {
      const response = await this.fetch(urlOf(this.options), {
        method: (this.options.method ?? 'GET').toUpperCase(),
        headers: headersOf(this.options),
        ...(data && { body: new Uint8Array(data) }),
        // Redirects as fetch follows them: credentials are dropped on a cross-origin hop.
        redirect: 'follow',
        signal: this.controller.signal,
      });
      const body = response.body
        ? Readable.fromWeb(response.body as NodeReadableStream<Uint8Array>)
        : Readable.from([]);
      body.on('data', () => this.touch());
      body.once('close', () => this.settle());
      this.onResponse(
        Object.assign(body, {
          statusCode: response.status,
          statusMessage: response.statusText,
          headers: Object.fromEntries(response.headers),
        }),
      );
    } catch (error) {
      this.settle();
      if (!this.controller.signal.aborted) this.emit('error', failureOf(error));
    }
  }
}

/**
 * electron-updater's HTTP (update feed, downloads) over main's HTTP client, in place of Electron's `net`
 * in a session of its own: the same proxy resolution and the same trust decision (extra CAs, pins) as every
 * other connection of main. Signatures and checksums stay electron-updater's to verify.
 */
export class FetchHttpExecutor extends HttpExecutor<FetchRequest> {
  constructor(private readonly fetch: TrustedFetch) {
    super();
  }

  createRequest(options: RequestOptions, callback: (response: Readable) => void): FetchRequest {
    return new FetchRequest(this.fetch, options, callback);
  }

  /** What `AppUpdater` calls to fetch an installer (the same as electron-updater's own executors do). */
  download(url: URL, destination: string, options: DownloadOptions): Promise<string> {
    return options.cancellationToken.createPromise((resolve, reject, onCancel) => {
      const requestOptions: RequestOptions = { headers: options.headers ?? undefined };
      configureRequestUrl(url, requestOptions);
      configureRequestOptions(requestOptions);
      this.doDownload(
        requestOptions,
        {
          destination,
          options,
          onCancel,
          callback: (error) => (error ? reject(error) : resolve(destination)),
          responseHandler: null,
        },
        0,
      );
    });
  }
}

/**
 * Puts the executor in place of electron-updater's own. `httpExecutor` is internal to electron-updater (no
 * public API replaces it): a version that renamed it fails here, loudly, instead of bypassing the proxy and
 * the trust decision; updater-http.test.ts checks the check and the download go through `fetch`.
 */
export function routeUpdaterThrough(updater: object, fetch: TrustedFetch): void {
  if (!('httpExecutor' in updater))
    throw new Error('electron-updater has no httpExecutor: its requests cannot follow main’s HTTP client');
  Reflect.set(updater, 'httpExecutor', new FetchHttpExecutor(fetch));
}

/** An electron-updater updater for the update service: its port, its events, and its requests through main. */
export function httpUpdater(updater: AppUpdater): HttpUpdater {
  return {
    port: updater,
    useHttp: (fetch) => routeUpdaterThrough(updater, fetch),
    listen(events) {
      updater.on('checking-for-update', () => events.checking());
      updater.on('update-available', (info) => events.available(info.version));
      updater.on('update-not-available', () => events.notAvailable());
      updater.on('download-progress', (progress) => events.progress(progress.percent));
      updater.on('update-downloaded', (info) => events.downloaded(info.version));
      updater.on('error', (error) => events.error(error));
    },
  };
}
