import { hasHiddenCharacters } from '../../shared/domain/hidden-characters.js';
/** The link schemes the app handles (electron-builder.yml registers them with the installers too). */
export const dialSchemes = ['tel', 'callto', 'sip'] as const;

const MAX_TARGET = 256;
/** What a telephone number in a link may contain (RFC 3966 visual separators included). */
const NUMBER = /^\+?[0-9*#][0-9*#\s\-.()]*$/;
/** user@host, with an optional port: no parameters or headers reach the dial field. */
const SIP_ADDRESS = /^[^@\s:;?<>"]+@([a-z0-9.-]+|\[[0-9a-f:]+\])(:\d{1,5})?$/i;

/**
 * What a tel:, callto: or sip: link asks to dial, as text for the Phone screen's number field (which reads
 * it with the dial-target parser, like typed input); null for anything else. Parameters (`;phone-context`,
 * `;transport`) and SIP headers (`?subject=...`) are dropped: a link chooses whom to call, nothing more.
 * The app never dials by itself: the person presses Call.
 */
export function dialTargetFromUrl(url: string): string | null {
  if (url.length > 2048) return null;
  const match = /^(tel|callto|sips?):(.*)$/is.exec(url.trim());
  if (!match) return null;
  const scheme = match[1]!.toLowerCase();
  let rest = match[2]!;
  try {
    rest = decodeURIComponent(rest);
  } catch {
    return null;
  }
  // Control and format characters go to the number field escaped, so that the person sees them and the
  // field refuses them (shared/domain/hidden-characters.ts), instead of text that reads differently.
  if (hasHiddenCharacters(rest)) {
    const shown = `${scheme}:${rest.replace(/[\p{Cc}\p{Cf}]/gu, (c) => encodeURIComponent(c))}`;
    return shown.slice(0, MAX_TARGET);
  }
  if (scheme === 'tel' || scheme === 'callto') {
    const text = rest.replace(/^\/\//, '').split(/[;?]/)[0]!.trim();
    return text.length > 0 && text.length <= MAX_TARGET && NUMBER.test(text) ? text : null;
  }
  const address = rest.replace(/^\/\//, '').split(/[;?]/)[0]!.trim();
  if (address.length > MAX_TARGET || !SIP_ADDRESS.test(address)) return null;
  return `${scheme}:${address}`;
}

/** The first dial link among command-line arguments (Windows and Linux start the app with the link). */
export function dialTargetFromArgv(argv: readonly string[]): string | null {
  for (const argument of argv) {
    if (!/^(tel|callto|sips?):/i.test(argument)) continue;
    const target = dialTargetFromUrl(argument);
    if (target) return target;
  }
  return null;
}

/** The part of Electron's `app` protocol handling needs. */
export interface ProtocolApp {
  on(event: 'open-url', listener: (event: { preventDefault(): void }, url: string) => void): unknown;
  on(event: 'second-instance', listener: (event: unknown, argv: string[]) => void): unknown;
}

/**
 * Hands every dial link the app receives (at start, from a second start on Windows/Linux, or macOS's
 * open-url) to `deliver`. Becoming the system's handler of these links is a separate step that needs the
 * person's consent (dial-link-registration.ts).
 */
export function registerDialLinks(
  app: ProtocolApp,
  options: { argv: readonly string[] },
  deliver: (target: string) => void,
): void {
  app.on('open-url', (event, url) => {
    event.preventDefault();
    const target = dialTargetFromUrl(url);
    if (target) deliver(target);
  });
  app.on('second-instance', (_event, argv) => {
    const target = dialTargetFromArgv(argv);
    if (target) deliver(target);
  });
  const initial = dialTargetFromArgv(options.argv);
  if (initial) deliver(initial);
}
