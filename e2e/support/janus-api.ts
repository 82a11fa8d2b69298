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

  const events: JanusEvent[] = [];
  const wakers = new Set<() => void>();
  const polling = new AbortController();
  // The long poll is also what keeps the session alive (Janus ends sessions idle for 60 s).
  void (async () => {
    while (!polling.signal.aborted) {
      try {
        const response = await fetch(`${sessionUrl}?maxev=10`, { signal: polling.signal });
        const reply = (await response.json()) as JanusEvent | JanusEvent[];
        for (const event of Array.isArray(reply) ? reply : [reply])
          if (event.janus !== 'keepalive') events.push(event);
        for (const wake of wakers) wake();
      } catch {
        if (!polling.signal.aborted) await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  })();

  return {
    get events() {
      return events;
    },
    async message(body, jsep) {
      await post(handleUrl, { janus: 'message', body, ...(jsep && { jsep }) });
    },
    waitForEvent(accept, { since = 0, timeoutMs = 15_000 } = {}) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = events.slice(since).find(accept);
          if (!found) return;
          clearTimeout(timer);
          wakers.delete(check);
          resolve(found);
        };
        const timer = setTimeout(() => {
          wakers.delete(check);
          const seen = events.slice(since).map((event) => sipEventName(event) ?? event.janus);
          reject(new Error(`janus: no such event within ${timeoutMs} ms; events: ${seen.join(' ')}`));
        }, timeoutMs);
        wakers.add(check);
        check();
      });
    },
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
