import { useAppStore } from './app-store';
import { screens, type Screen } from './screens';

/**
 * The page may connect only to the SIP servers its Content-Security-Policy names (main serves it with the
 * provider's server and the account's in use, electron/net/connect-policy.ts). When the account moves to
 * another server, the page reloads to get the policy that names it: at once, or once no call is in
 * progress; the screen (and what it said) comes back after the reload.
 */

const STATE_KEY = 'softphone.reloadedToConnect';

interface ReloadState {
  screen: Screen;
  /** The server the reload was for: a page that still may not reach it does not reload again. */
  origin: string;
  /** An i18n key the screen shows again after the reload (e.g. "The SIP account was saved."). */
  notice: string | null;
}

/** The sources of `connect-src` in this page's policy (its meta tag); null for a page without one. */
function connectSources(doc: Document): string[] | null {
  const meta = doc.querySelector<HTMLMetaElement>('meta[http-equiv="Content-Security-Policy"]');
  if (!meta) return null;
  const directive = meta.content
    .split(';')
    .map((part) => part.trim().split(/\s+/))
    .find(([name]) => name === 'connect-src');
  // Without connect-src, default-src 'none' applies: nothing.
  return directive ? directive.slice(1) : [];
}

function originOf(url: string): string | null {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}

/** Whether this page's policy lets it open a secure WebSocket to `url`. */
export function pageAllowsConnect(url: string, doc: Document = document): boolean {
  const sources = connectSources(doc);
  if (sources === null) return true;
  const origin = originOf(url);
  if (origin === null || !url.startsWith('wss:')) return false;
  return sources.some((source) => source === 'wss:' || source === origin);
}

let reloadedFor: string | null = null;
let restoredNotice: string | null = null;
let pending: ReloadState | null = null;
let cancelWait: (() => void) | null = null;

/** What the reload that made this page kept (once, at start): the screen, and a notice for it. */
export function takeReloadState(): { screen: Screen; notice: string | null } | null {
  const raw = sessionStorage.getItem(STATE_KEY);
  sessionStorage.removeItem(STATE_KEY);
  if (raw === null) return null;
  try {
    const state = JSON.parse(raw) as Partial<ReloadState>;
    if (!screens.includes(state.screen as Screen) || typeof state.origin !== 'string') return null;
    reloadedFor = state.origin;
    restoredNotice = typeof state.notice === 'string' ? state.notice : null;
    return { screen: state.screen as Screen, notice: restoredNotice };
  } catch {
    return null;
  }
}

/** Whether the reload that made this page left `notice` to show (once: the screen takes it). */
export function takeRestoredNotice(notice: string): boolean {
  if (restoredNotice !== notice) return false;
  restoredNotice = null;
  return true;
}

interface CallsStore {
  getState(): { calls: readonly { state: string }[] };
  subscribe(listener: () => void): () => void;
}

/**
 * Reloads the page to reach `url` (which its policy does not allow): 'now', or 'after-calls' once no call in
 * `calls` is in progress. False when this page was already reloaded for that server (main does not allow
 * it: the connection fails and says so instead of reloading forever).
 */
export function reloadToConnect(request: {
  calls: CallsStore;
  url: string;
  notice?: string;
  /** The page's reload (tests pass their own). */
  reload?: () => void;
}): 'now' | 'after-calls' | false {
  const { calls, url, notice = null, reload = () => window.location.reload() } = request;
  const origin = originOf(url);
  if (origin === null || origin === reloadedFor) return false;
  pending = { screen: useAppStore.getState().screen, origin, notice: notice ?? pending?.notice ?? null };
  const busy = () => calls.getState().calls.some((call) => call.state !== 'ended');
  const go = () => {
    if (!pending) return;
    sessionStorage.setItem(STATE_KEY, JSON.stringify({ ...pending, screen: useAppStore.getState().screen }));
    reload();
  };
  if (!busy()) {
    go();
    return 'now';
  }
  cancelWait ??= calls.subscribe(() => {
    if (busy()) return;
    cancelWait?.();
    cancelWait = null;
    go();
  });
  return 'after-calls';
}
