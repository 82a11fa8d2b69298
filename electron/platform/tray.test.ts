import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import { desktopTexts } from '../../shared/i18n/desktop-texts.js';
import { trayIconBitmap, trayMenuTemplate, trayTooltip, type TrayState } from './tray.js';

const en = desktopTexts('en').tray;
const de = desktopTexts('de').tray;
const ready: TrayState = { line: 'registered', doNotDisturb: false, canLock: true };

function click(item: MenuItemConstructorOptions | undefined) {
  (item?.click as (() => void) | undefined)?.();
}

describe('tray menu', () => {
  it('shows the line and offers Show, Do not disturb, Lock and Quit', () => {
    const actions = { show: vi.fn(), setDoNotDisturb: vi.fn(), lock: vi.fn(), quit: vi.fn() };
    const menu = trayMenuTemplate(ready, en, actions);
    expect(menu.filter((item) => item.type !== 'separator').map((item) => item.label)).toEqual([
      'Secure Softphone – Ready for calls',
      'Show Secure Softphone',
      'Do Not Disturb',
      'Lock',
      'Quit',
    ]);
    expect(menu[0]!.enabled).toBe(false);
    const byLabel = (label: string) => menu.find((item) => item.label === label);
    click(byLabel('Show Secure Softphone'));
    click(byLabel('Do Not Disturb'));
    click(byLabel('Lock'));
    click(byLabel('Quit'));
    expect(actions.show).toHaveBeenCalled();
    expect(actions.setDoNotDisturb).toHaveBeenCalledWith(true);
    expect(actions.lock).toHaveBeenCalled();
    expect(actions.quit).toHaveBeenCalled();
  });

  it('checks Do not disturb while it is on, and turns it off from there', () => {
    const setDoNotDisturb = vi.fn();
    const menu = trayMenuTemplate({ ...ready, doNotDisturb: true }, de, {
      show: vi.fn(),
      setDoNotDisturb,
      lock: vi.fn(),
      quit: vi.fn(),
    });
    const dnd = menu.find((item) => item.label === 'Nicht stören')!;
    expect(dnd).toMatchObject({ type: 'checkbox', checked: true });
    click(dnd);
    expect(setDoNotDisturb).toHaveBeenCalledWith(false);
    expect(menu[0]!.label).toBe('Secure Softphone – Bereit für Anrufe – Nicht stören ist an');
  });

  it('offers Lock only where it applies (signed in and not locked)', () => {
    const menu = trayMenuTemplate({ ...ready, canLock: false }, en, {
      show: vi.fn(),
      setDoNotDisturb: vi.fn(),
      lock: vi.fn(),
      quit: vi.fn(),
    });
    expect(menu.find((item) => item.label === 'Lock')!.enabled).toBe(false);
  });

  it('names each line state in the tooltip', () => {
    expect(
      (['registered', 'connecting', 'offline', 'error'] as const).map((line) =>
        trayTooltip({ ...ready, line }, en),
      ),
    ).toEqual([
      'Secure Softphone – Ready for calls',
      'Secure Softphone – Connecting …',
      'Secure Softphone – Offline',
      'Secure Softphone – Not connected',
    ]);
  });
});

describe('tray icon', () => {
  const pixel = (bitmap: Buffer, size: number, x: number, y: number) => {
    const offset = (y * size + x) * 4;
    // BGRA, as nativeImage.createFromBitmap reads it.
    return {
      r: bitmap[offset + 2]!,
      g: bitmap[offset + 1]!,
      b: bitmap[offset]!,
      a: bitmap[offset + 3]!,
    };
  };

  it('is a disc in the line’s colour with transparent corners', () => {
    const size = 32;
    const green = trayIconBitmap({ line: 'registered', doNotDisturb: false }, size);
    expect(green).toHaveLength(size * size * 4);
    expect(pixel(green, size, 0, 0).a).toBe(0);
    expect(pixel(green, size, 16, 16)).toEqual({ r: 0x1e, g: 0x8e, b: 0x3e, a: 255 });
    expect(pixel(trayIconBitmap({ line: 'error', doNotDisturb: false }, size), size, 16, 16).r).toBe(0xc6);
    expect(pixel(trayIconBitmap({ line: 'offline', doNotDisturb: false }, size), size, 16, 16)).toEqual({
      r: 0x7a,
      g: 0x7a,
      b: 0x7a,
      a: 255,
    });
  });

  it('draws a white bar across it while Do Not Disturb is on', () => {
    const size = 22;
    const dnd = trayIconBitmap({ line: 'registered', doNotDisturb: true }, size);
    expect(pixel(dnd, size, 11, 11)).toEqual({ r: 255, g: 255, b: 255, a: 255 });
    // Above the bar the colour remains.
    expect(pixel(dnd, size, 11, 5).g).toBe(0x8e);
  });
});
