import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it } from 'vitest';
import { desktopTexts } from '../../shared/i18n/desktop-texts.js';
import { appMenuTemplate, devToolsAllowed } from './app-menu.js';

function roles(items: MenuItemConstructorOptions[]): string[] {
  return items.flatMap((item) => [
    ...(item.role ? [item.role] : []),
    ...(Array.isArray(item.submenu) ? roles(item.submenu) : []),
  ]);
}
function accelerators(items: MenuItemConstructorOptions[]): string[] {
  return items.flatMap((item) => [
    ...(item.accelerator ? [String(item.accelerator)] : []),
    ...(Array.isArray(item.submenu) ? accelerators(item.submenu) : []),
  ]);
}

const texts = desktopTexts('en').menu;
const platforms = ['darwin', 'win32', 'linux'] as const;

describe('application menu', () => {
  it.each(platforms)('%s, installed: no reload, no DevTools, no shortcut of their own', (platform) => {
    const menu = appMenuTemplate({ platform, isPackaged: true, allowDevTools: false, texts });
    const found = roles(menu);
    expect(found).toContain('quit');
    expect(found.filter((role) => ['reload', 'forceReload', 'toggleDevTools'].includes(role))).toEqual([]);
    expect(accelerators(menu)).toEqual([]);
  });

  it.each(platforms)(
    '%s, installed with allowDevTools: DevTools for support, still no reload',
    (platform) => {
      const found = roles(appMenuTemplate({ platform, isPackaged: true, allowDevTools: true, texts }));
      expect(found).toContain('toggleDevTools');
      expect(found).not.toContain('reload');
    },
  );

  it('a development run has reload and DevTools', () => {
    const found = roles(
      appMenuTemplate({ platform: 'linux', isPackaged: false, allowDevTools: false, texts }),
    );
    expect(found).toEqual(expect.arrayContaining(['reload', 'toggleDevTools']));
  });

  it('macOS keeps the app menu, Edit (copy and paste in text fields) and Window', () => {
    const menu = appMenuTemplate({ platform: 'darwin', isPackaged: true, allowDevTools: false, texts });
    expect(menu.map((item) => item.role ?? item.label)).toEqual(['appMenu', 'Edit', 'windowMenu']);
    expect(roles(menu)).toEqual(expect.arrayContaining(['copy', 'paste', 'hide', 'minimize', 'close']));
  });

  it('Windows and Linux: File > Quit, Edit and Help, in the app’s language', () => {
    const menu = appMenuTemplate({
      platform: 'win32',
      isPackaged: true,
      allowDevTools: false,
      texts: desktopTexts('de').menu,
    });
    expect(menu.map((item) => item.label)).toEqual(['Datei', 'Bearbeiten', 'Hilfe']);
  });

  it('DevTools are allowed in development or by policy only', () => {
    expect(devToolsAllowed(true, false)).toBe(false);
    expect(devToolsAllowed(true, true)).toBe(true);
    expect(devToolsAllowed(false, false)).toBe(true);
  });
});
