import type { MenuItemConstructorOptions } from 'electron';
import type { DesktopTexts, LineStatus } from '../../shared/i18n/desktop-texts.js';

/** What the tray shows: the phone line, Do Not Disturb, and whether Lock applies (signed in, unlocked). */
export interface TrayState {
  line: LineStatus;
  doNotDisturb: boolean;
  /** Policy fixes nothing about DND, but the keychain may be missing: then there are no settings to change. */
  canLock: boolean;
}

export interface TrayActions {
  show(): void;
  setDoNotDisturb(on: boolean): void;
  lock(): void;
  quit(): void;
}

/** The tooltip (and the accessible name of the icon): the line's state, and DND when it is on. */
export function trayTooltip(state: TrayState, texts: DesktopTexts['tray']): string {
  const line = texts.line[state.line];
  return state.doNotDisturb
    ? `Secure Softphone – ${line} – ${texts.doNotDisturbOn}`
    : `Secure Softphone – ${line}`;
}

/** The tray menu: the state as a disabled first line, then Show, Do not disturb, Lock and Quit. */
export function trayMenuTemplate(
  state: TrayState,
  texts: DesktopTexts['tray'],
  actions: TrayActions,
): MenuItemConstructorOptions[] {
  return [
    { label: trayTooltip(state, texts), enabled: false },
    { type: 'separator' },
    { label: texts.show, click: () => actions.show() },
    {
      label: texts.doNotDisturb,
      type: 'checkbox',
      checked: state.doNotDisturb,
      click: () => actions.setDoNotDisturb(!state.doNotDisturb),
    },
    { label: texts.lock, enabled: state.canLock, click: () => actions.lock() },
    { type: 'separator' },
    { label: texts.quit, click: () => actions.quit() },
  ];
}

/** The icon's colour: green ready, amber connecting, grey offline, red not connected; DND draws a bar. */
const colours: Record<LineStatus, readonly [number, number, number]> = {
  registered: [0x1e, 0x8e, 0x3e],
  connecting: [0xd9, 0x8c, 0x00],
  offline: [0x7a, 0x7a, 0x7a],
  error: [0xc6, 0x28, 0x28],
};

/**
 * The tray icon as a BGRA bitmap (Electron's nativeImage.createFromBitmap): a round handset badge in the
 * line's colour, with a white bar across it while Do Not Disturb is on (the road sign people know). Drawn
 * here, so the status needs no image files, at any size the platform asks for (16, 22, 32 …).
 */
export function trayIconBitmap(state: Pick<TrayState, 'line' | 'doNotDisturb'>, size: number): Buffer {
  const pixels = Buffer.alloc(size * size * 4);
  const [red, green, blue] = colours[state.line];
  const centre = (size - 1) / 2;
  const radius = size / 2 - 0.5;
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) {
      const distance = Math.hypot(x - centre, y - centre);
      // Anti-aliased edge: coverage of the pixel by the disc.
      const coverage = Math.max(0, Math.min(1, radius - distance + 0.5));
      if (coverage === 0) continue;
      const bar =
        state.doNotDisturb && Math.abs(y - centre) <= size / 10 && Math.abs(x - centre) <= size / 3.2;
      const offset = (y * size + x) * 4;
      pixels[offset] = bar ? 0xff : blue;
      pixels[offset + 1] = bar ? 0xff : green;
      pixels[offset + 2] = bar ? 0xff : red;
      pixels[offset + 3] = Math.round(coverage * 255);
    }
  return pixels;
}
