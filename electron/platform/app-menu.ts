import type { MenuItemConstructorOptions } from 'electron';
import type { DesktopTexts } from '../../shared/i18n/desktop-texts.js';

export interface AppMenuOptions {
  platform: NodeJS.Platform;
  /** An installed build: no reload, and DevTools only where policy allows them. */
  isPackaged: boolean;
  /** Policy `allowDevTools` (for support); a development run always has them. */
  allowDevTools: boolean;
  texts: DesktopTexts['menu'];
}

/** Whether the window may open DevTools at all (webPreferences `devTools`, the menu item and its shortcut). */
export function devToolsAllowed(isPackaged: boolean, allowDevTools: boolean): boolean {
  return !isPackaged || allowDevTools;
}

/**
 * The application menu, replacing Electron's default one, whose Reload (Ctrl+R / Cmd+R) drops a call in
 * progress and whose Toggle Developer Tools opens the renderer to anyone at the keyboard. What remains:
 * quitting (through `before-quit`, which asks during a call), editing text (macOS has no copy and paste in
 * text fields without the Edit menu), and the window. Reload only in a development run; DevTools in a
 * development run or where policy allows them.
 */
export function appMenuTemplate(options: AppMenuOptions): MenuItemConstructorOptions[] {
  const { texts } = options;
  const edit: MenuItemConstructorOptions = {
    label: texts.edit,
    submenu: [
      { role: 'undo', label: texts.undo },
      { role: 'redo', label: texts.redo },
      { type: 'separator' },
      { role: 'cut', label: texts.cut },
      { role: 'copy', label: texts.copy },
      { role: 'paste', label: texts.paste },
      { role: 'selectAll', label: texts.selectAll },
    ],
  };
  const develop: MenuItemConstructorOptions[] = [
    ...(options.isPackaged ? [] : [{ role: 'reload', label: texts.reload } as const]),
    ...(devToolsAllowed(options.isPackaged, options.allowDevTools)
      ? [{ role: 'toggleDevTools', label: texts.toggleDevTools } as const]
      : []),
  ];
  const view: MenuItemConstructorOptions[] =
    develop.length > 0 ? [{ label: texts.view, submenu: develop }] : [];

  if (options.platform === 'darwin')
    return [
      {
        role: 'appMenu',
        submenu: [
          { role: 'about', label: texts.about },
          { type: 'separator' },
          { role: 'services', label: texts.services },
          { type: 'separator' },
          { role: 'hide', label: texts.hide },
          { role: 'hideOthers', label: texts.hideOthers },
          { role: 'unhide', label: texts.showAll },
          { type: 'separator' },
          { role: 'quit', label: texts.quit },
        ],
      },
      edit,
      ...view,
      {
        role: 'windowMenu',
        label: texts.window,
        submenu: [
          { role: 'minimize', label: texts.minimize },
          { role: 'zoom', label: texts.zoom },
          { role: 'close', label: texts.close },
          { type: 'separator' },
          { role: 'front', label: texts.front },
        ],
      },
    ];
  return [
    { label: texts.file, submenu: [{ role: 'quit', label: texts.quit }] },
    edit,
    ...view,
    { label: texts.help, submenu: [{ role: 'about', label: texts.about }] },
  ];
}
