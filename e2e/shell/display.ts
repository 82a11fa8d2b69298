import { existsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { spawnManaged, stopProcess } from '../provider/processes.js';

/** Where the app's window goes: the person's own screen, or a virtual one that nobody sees (and why). */
export type Display =
  | { kind: 'screen'; name: string; chromiumArgs: string[] }
  | { kind: 'virtual'; name: string; reason: string; stop(): Promise<void> };

/** Inside a loopback-only network namespace (e2e/netns-run.sh), only displays reached through a socket file work. */
const inNamespace = (env: NodeJS.ProcessEnv) => env.SOFTPHONE_IN_NETNS === '1';

/**
 * The screen of this session if the app can reach it: an X display, or Wayland through its socket in
 * XDG_RUNTIME_DIR. In a loopback-only network namespace an X display must be local (its socket in
 * /tmp/.X11-unix); one forwarded over the network (ssh -X: `localhost:10.0`) is out of reach there.
 */
export function reachableScreen(
  env: NodeJS.ProcessEnv,
  exists: (path: string) => boolean = existsSync,
): { name: string; chromiumArgs: string[] } | { reason: string } {
  const wayland = env.WAYLAND_DISPLAY;
  if (wayland) {
    const socket = isAbsolute(wayland) ? wayland : join(env.XDG_RUNTIME_DIR ?? '', wayland);
    if (exists(socket)) return { name: `Wayland ${wayland}`, chromiumArgs: ['--ozone-platform=wayland'] };
  }
  const display = env.DISPLAY;
  if (!display) return { reason: 'this session has no display (DISPLAY is not set)' };
  const local = /^(?:unix)?:(\d+)(?:\.\d+)?$/.exec(display);
  if (!inNamespace(env)) return { name: `display ${display}`, chromiumArgs: [] };
  if (!local)
    return {
      reason: `the display ${display} is reached over the network (as with ssh -X), which the demo's loopback-only network namespace cannot reach`,
    };
  if (!exists(`/tmp/.X11-unix/X${local[1]}`))
    return { reason: `the display ${display} has no socket in /tmp/.X11-unix (is its X server running?)` };
  return { name: `display ${display}`, chromiumArgs: [] };
}

/**
 * Starts Xvfb on the first free display number (it writes which to its stdout: -displayfd), managed as every
 * server of a run is (a process group of its own: Ctrl+C in the terminal does not take the screen away
 * before the app on it has stopped; and it cannot outlive this process).
 */
export async function startXvfb(): Promise<{ name: string; stop(): Promise<void> }> {
  const xvfb = spawnManaged('Xvfb', ['-displayfd', '1', '-screen', '0', '1280x800x24', '-nolisten', 'tcp']);
  xvfb.stderr!.resume();
  const number = await new Promise<string>((resolve, reject) => {
    let text = '';
    xvfb.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      text += chunk;
      if (text.includes('\n')) resolve(text.trim());
    });
    xvfb.once('error', reject);
    xvfb.once('exit', (code) => reject(new Error(`Xvfb exited (${code}) before it had a display`)));
  });
  return { name: `:${number}`, stop: () => stopProcess(xvfb) };
}

/** The person's screen when the app can reach it; a private Xvfb otherwise (the caller says so and why). */
export async function chooseDisplay(env: NodeJS.ProcessEnv): Promise<Display> {
  const screen = reachableScreen(env);
  if ('name' in screen) return { kind: 'screen', ...screen };
  const xvfb = await startXvfb();
  return { kind: 'virtual', name: xvfb.name, reason: screen.reason, stop: xvfb.stop };
}

/** What to tell a person whose app runs on a virtual screen: why, and how to see it anyway. */
export function virtualScreenNote(
  display: { name: string; reason: string },
  screenshotHint?: string,
): string {
  return [
    `No window to show: ${display.reason}. The app runs on a virtual screen (Xvfb ${display.name}) that nobody sees.`,
    '  To see it, start it from a desktop session on this computer, or watch the virtual screen with a VNC viewer:',
    `  x11vnc -display ${display.name} -localhost -nopw (apt-get install x11vnc), then connect to localhost:5900`,
    '  (from another computer through ssh -L 5900:localhost:5900 this-computer).',
    ...(screenshotHint ? [`  A picture of the window now: ${screenshotHint}`] : []),
  ].join('\n');
}
