/**
 * A small typed client of Janus's HTTP API (https://janus.conf.meetecho.com/docs/rest): a session, one
 * plugin handle, requests to the plugin, and the session's events fetched by long poll. Every plugin request
 * is asynchronous: Janus answers `ack` at once, and the result comes later as an event of the handle.
 */

export interface Jsep {
  type: 'offer' | 'answer';
  sdp: string;
}

/** An event of the handle: a plugin event (`plugindata`), or one of Janus's own (webrtcup, media, hangup). */
export interface JanusEvent {
  janus: string;
  sender?: number;
  transaction?: string;
  plugindata?: { plugin: string; data: Record<string, unknown> };
  jsep?: Jsep;
  [key: string]: unknown;
}

interface JanusReply {
  janus: string;
  data?: { id: number };
  error?: { code: number; reason: string };
}

export interface JanusHandle {
  /** Every event of the handle so far, oldest first. */
  readonly events: readonly JanusEvent[];
  /** Sends a request to the plugin (with a JSEP offer or answer where it takes one). */
  message(body: Record<string, unknown>, jsep?: Jsep): Promise<void>;
  /** Resolves with the first event from the `since`-th on that matches. */
  waitForEvent(
    accept: (event: JanusEvent) => boolean,
    options?: { since?: number; timeoutMs?: number },
  ): Promise<JanusEvent>;
  /** Ends the session (and the long poll). */
  close(): Promise<void>;
}

import { eventLog } from './event-log.js';

let transactions = 0;

async function post(url: string, body: Record<string, unknown>): Promise<JanusReply> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...body, transaction: `t${++transactions}` }),
  });
  const reply = (await response.json()) as JanusReply;
  if (reply.janus === 'error') throw new Error(`janus ${String(body.janus)}: ${reply.error?.reason}`);
  return reply;
}

/** Creates a session at `baseUrl` (…/janus) and attaches a handle of `plugin` to it. */
export async function attachJanusPlugin(baseUrl: string, plugin: string): Promise<JanusHandle> {
  const session = (await post(baseUrl, { janus: 'create' })).data!.id;
  const sessionUrl = `${baseUrl}/${session}`;
  const handle = (await post(sessionUrl, { janus: 'attach', plugin })).data!.id;
  const handleUrl = `${sessionUrl}/${handle}`;

  const log = eventLog<JanusEvent>('janus', (event) => sipEventName(event) ?? event.janus);
  const polling = new AbortController();
  // The long poll is also what keeps the session alive (Janus ends sessions idle for 60 s).
  void (async () => {
    while (!polling.signal.aborted) {
      try {
        const response = await fetch(`${sessionUrl}?maxev=10`, { signal: polling.signal });
        const reply = (await response.json()) as JanusEvent | JanusEvent[];
        log.push(...(Array.isArray(reply) ? reply : [reply]).filter((event) => event.janus !== 'keepalive'));
      } catch {
        if (!polling.signal.aborted) await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  })();

  return {
    get events() {
      return log.events;
    },
    async message(body, jsep) {
      await post(handleUrl, { janus: 'message', body, ...(jsep && { jsep }) });
    },
    waitForEvent: (accept, options) => log.waitFor(accept, options),
    async close() {
      polling.abort();
      await post(sessionUrl, { janus: 'destroy' }).catch(() => {});
    },
  };
}

/** The SIP plugin's event name (`registered`, `incomingcall`, `accepted`, `hangup`…), if this is one. */
export function sipEventName(event: JanusEvent): string | undefined {
  const result = event.plugindata?.data.result as { event?: string } | undefined;
  return result?.event;
}

/** The SIP plugin's event of that name. */
export const sipEvent = (name: string) => (event: JanusEvent) => sipEventName(event) === name;
