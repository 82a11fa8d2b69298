// A stand-in for the `electron` module, for loading the built main process (dist/electron/main.cjs) under
// plain Node. Each part implements the members of Electron's own types (node_modules/electron/electron.d.ts)
// that main uses, and records every call in one journal, in order. It follows the documented behaviour
// that main relies on: `whenReady()` resolves once and never rejects, `app.quit()` emits `before-quit`,
// closes the windows and emits `will-quit` (each preventable), `app.exit()` ends at once without those
// events. It is not Electron: it renders nothing and runs no Chromium.
import type * as Electron from 'electron';
import { EventEmitter } from 'node:events';
import Module from 'node:module';

export interface StandInOptions {
  isPackaged: boolean;
  appPath: string;
  /** `app.getPath('appData')` and the other paths' parent. */
  home: string;
  systemLanguages?: string[];
  platform?: NodeJS.Platform;
  /** What `BrowserWindow.loadURL` does (default: loads). */
  loadURL?(url: string): Promise<void>;
}

/** An event object as Electron passes it to listeners that may prevent the default. */
export class StandInEvent implements Pick<Electron.Event, 'preventDefault' | 'defaultPrevented'> {
  defaultPrevented = false;
  preventDefault(): void {
    this.defaultPrevented = true;
  }
}

export interface StandInState {
  journal: string[];
  ready: boolean;
  /** Set by `app.exit(code)` or by a quit that went through. */
  exitCode: number | null;
  singleInstanceLock: boolean;
  paths: Map<string, string>;
  errorBoxes: { title: string; content: string }[];
  windows: StandInBrowserWindow[];
  applicationMenu: Electron.MenuItemConstructorOptions[] | null;
  /** The handlers main gave the default session, to ask them as Chromium would. */
  permissionRequestHandler: PermissionRequestHandler | null;
  permissionCheckHandler: Parameters<Electron.Session['setPermissionCheckHandler']>[0];
  trays: StandInTray[];
  /** What `dialog.showMessageBox` answers: the index of the button pressed. */
  messageBoxAnswer: number;
  messageBoxes: Electron.MessageBoxOptions[];
  /** Main's `ipcMain.handle` listener, to call it as the renderer would. */
  invokeHandler: ((event: { senderFrame: { url: string } }, ...args: unknown[]) => unknown) | null;
  badgeCount: number;
  globalShortcuts: Map<string, () => void>;
}

/** Electron's request handler as the stand-in calls it: with its own web contents and a permission name. */
export type PermissionRequestHandler = (
  webContents: Pick<Electron.WebContents, 'getURL'>,
  permission: string,
  callback: (granted: boolean) => void,
  details: Electron.PermissionRequest,
) => void;

let current: StandInState | null = null;
let waiters: { matches(entry: string): boolean; resolve(): void }[] = [];
function record(entry: string): void {
  current?.journal.push(entry);
  const due = waiters.filter((waiter) => waiter.matches(entry));
  waiters = waiters.filter((waiter) => !due.includes(waiter));
  for (const waiter of due) waiter.resolve();
}

/** Resolves once the journal has (or gets) an entry that matches. */
function waitFor(pattern: string | RegExp): Promise<void> {
  const matches = (entry: string) => (typeof pattern === 'string' ? entry === pattern : pattern.test(entry));
  if (current?.journal.some(matches)) return Promise.resolve();
  return new Promise((resolve) => waiters.push({ matches, resolve }));
}

export class StandInWebContents
  extends EventEmitter
  implements Pick<Electron.WebContents, 'send' | 'isLoading' | 'isDestroyed' | 'getURL'>
{
  url = '';
  loading = false;
  readonly sent: { channel: string; args: unknown[] }[] = [];
  send(channel: string, ...args: unknown[]): void {
    this.sent.push({ channel, args });
  }
  isLoading(): boolean {
    return this.loading;
  }
  isDestroyed(): boolean {
    return false;
  }
  getURL(): string {
    return this.url;
  }
}

export class StandInBrowserWindow
  extends EventEmitter
  implements
    Pick<
      Electron.BrowserWindow,
      'loadURL' | 'show' | 'hide' | 'focus' | 'close' | 'destroy' | 'isDestroyed' | 'isVisible'
    >
{
  static loader: (url: string) => Promise<void> = () => Promise.resolve();
  readonly webContents = new StandInWebContents();
  visible = false;
  destroyed = false;
  constructor(readonly options: Electron.BrowserWindowConstructorOptions) {
    super();
    record(`new BrowserWindow(devTools=${String(options.webPreferences?.devTools)})`);
    current?.windows.push(this);
  }
  async loadURL(url: string): Promise<void> {
    record(`window.loadURL(${url})`);
    this.webContents.loading = true;
    try {
      await StandInBrowserWindow.loader(url);
      this.webContents.url = url;
    } finally {
      this.webContents.loading = false;
    }
    this.emit('ready-to-show');
  }
  show(): void {
    record('window.show');
    this.visible = true;
  }
  hide(): void {
    record('window.hide');
    this.visible = false;
  }
  focus(): void {
    record('window.focus');
  }
  /** As Electron: `close` may be prevented; otherwise the window is destroyed (`closed`). */
  close(): void {
    const event = new StandInEvent();
    this.emit('close', event);
    if (event.defaultPrevented) return;
    this.destroy();
  }
  destroy(): void {
    this.destroyed = true;
    this.visible = false;
    this.emit('closed');
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  isVisible(): boolean {
    return this.visible;
  }
  setOverlayIcon(): void {
    record('window.setOverlayIcon');
  }
}

/** A tray icon: keeps its tooltip and menu so a test can read them and press an item. */
export class StandInTray
  extends EventEmitter
  implements Pick<Electron.Tray, 'setImage' | 'setToolTip' | 'destroy'>
{
  tooltip = '';
  menu: Electron.MenuItemConstructorOptions[] = [];
  constructor() {
    super();
    record('new Tray');
    current?.trays.push(this);
  }
  setImage(): void {}
  setToolTip(toolTip: string): void {
    this.tooltip = toolTip;
  }
  setContextMenu(menu: { template: Electron.MenuItemConstructorOptions[] } | null): void {
    this.menu = menu?.template ?? [];
  }
  destroy(): void {}
  /** Presses the menu item with this label, as a click in the tray menu does. */
  press(label: string): void {
    const item = this.menu.find((entry) => entry.label === label);
    if (!item?.click) throw new Error(`no tray menu item ${label}`);
    (item.click as () => void)();
  }
}

class StandInApp
  extends EventEmitter
  implements
    Pick<
      Electron.App,
      | 'whenReady'
      | 'isReady'
      | 'enableSandbox'
      | 'getPath'
      | 'setPath'
      | 'getName'
      | 'getVersion'
      | 'getAppPath'
      | 'getLocale'
      | 'getPreferredSystemLanguages'
      | 'requestSingleInstanceLock'
      | 'releaseSingleInstanceLock'
      | 'quit'
      | 'exit'
      | 'setAsDefaultProtocolClient'
      | 'isDefaultProtocolClient'
      | 'setAppUserModelId'
      | 'setBadgeCount'
      | 'setLoginItemSettings'
    >
{
  private readonly readyPromise: Promise<void>;
  private markReady!: () => void;
  constructor(
    readonly state: StandInState,
    readonly isPackaged: boolean,
    private readonly options: StandInOptions,
  ) {
    super();
    this.readyPromise = new Promise((resolve) => (this.markReady = resolve));
  }
  /** Electron's `ready`: resolves `whenReady()` and emits the event. */
  becomeReady(): void {
    record('--- ready ---');
    this.state.ready = true;
    this.markReady();
    this.emit('ready', new StandInEvent(), {});
  }
  whenReady(): Promise<void> {
    record('app.whenReady');
    return this.readyPromise;
  }
  isReady(): boolean {
    return this.state.ready;
  }
  enableSandbox(): void {
    record('app.enableSandbox');
  }
  getPath(name: Parameters<Electron.App['getPath']>[0]): string {
    return this.state.paths.get(name) ?? `${this.options.home}/${name}`;
  }
  setPath(name: string, path: string): void {
    record(`app.setPath(${name})`);
    this.state.paths.set(name, path);
  }
  getName(): string {
    return 'Secure Softphone';
  }
  getVersion(): string {
    return '0.1.0';
  }
  getAppPath(): string {
    return this.options.appPath;
  }
  getLocale(): string {
    return this.options.systemLanguages?.[0] ?? 'en-US';
  }
  getPreferredSystemLanguages(): string[] {
    return this.options.systemLanguages ?? ['en-US'];
  }
  requestSingleInstanceLock(): boolean {
    record('app.requestSingleInstanceLock');
    this.state.singleInstanceLock = true;
    return true;
  }
  releaseSingleInstanceLock(): void {
    record('app.releaseSingleInstanceLock');
    this.state.singleInstanceLock = false;
  }
  /** Electron's sequence: before-quit, the windows close, will-quit, quit; each step may stop it. */
  quit(): void {
    record('app.quit');
    const beforeQuit = new StandInEvent();
    this.emit('before-quit', beforeQuit);
    if (beforeQuit.defaultPrevented) return record('before-quit prevented');
    for (const window of this.state.windows.filter((w) => !w.isDestroyed())) {
      window.close();
      if (!window.isDestroyed()) return record('window close prevented');
    }
    const willQuit = new StandInEvent();
    this.emit('will-quit', willQuit);
    if (willQuit.defaultPrevented) return record('will-quit prevented');
    record('quit');
    this.emit('quit', new StandInEvent(), 0);
    this.state.exitCode = 0;
    this.state.singleInstanceLock = false;
  }
  exit(code = 0): void {
    record(`app.exit(${code})`);
    this.state.exitCode = code;
    this.state.singleInstanceLock = false;
  }
  setAsDefaultProtocolClient(protocol: string): boolean {
    record(`app.setAsDefaultProtocolClient(${protocol})`);
    return true;
  }
  isDefaultProtocolClient(): boolean {
    return false;
  }
  setAppUserModelId(id: string): void {
    record(`app.setAppUserModelId(${id})`);
  }
  setBadgeCount(count = 0): boolean {
    this.state.badgeCount = count;
    return true;
  }
  setLoginItemSettings(): void {
    record('app.setLoginItemSettings');
  }
}

export interface ElectronStandIn {
  state: StandInState;
  app: StandInApp;
  /** Resolves once the journal has (or gets) an entry that matches. */
  waitFor(pattern: string | RegExp): Promise<void>;
  /** The module object `require('electron')` returns to main. */
  module: Record<string, unknown>;
}

export function createElectronStandIn(options: StandInOptions): ElectronStandIn {
  const state: StandInState = {
    journal: [],
    ready: false,
    exitCode: null,
    singleInstanceLock: false,
    paths: new Map(),
    errorBoxes: [],
    windows: [],
    applicationMenu: null,
    permissionRequestHandler: null,
    permissionCheckHandler: null,
    trays: [],
    messageBoxAnswer: 1,
    messageBoxes: [],
    invokeHandler: null,
    badgeCount: 0,
    globalShortcuts: new Map(),
  };
  current = state;
  waiters = [];
  StandInBrowserWindow.loader = options.loadURL ?? (() => Promise.resolve());
  const app = new StandInApp(state, options.isPackaged, options);

  const protocol = {
    registerSchemesAsPrivileged(schemes: Electron.CustomScheme[]) {
      record(`protocol.registerSchemesAsPrivileged(${schemes.map((s) => s.scheme).join()})`);
    },
    handle(scheme: string) {
      record(`protocol.handle(${scheme})`);
    },
  } satisfies Pick<Electron.Protocol, 'registerSchemesAsPrivileged' | 'handle'>;

  const defaultSession = {
    // Typed as the stand-in calls it (its own web contents, which has only getURL of WebContents' members);
    // Electron's handler type takes a whole WebContents, which the stand-in cannot be.
    setPermissionRequestHandler(handler: PermissionRequestHandler | null) {
      record('session.setPermissionRequestHandler');
      state.permissionRequestHandler = handler;
    },
    ...({
      setPermissionCheckHandler(handler: StandInState['permissionCheckHandler']) {
        record('session.setPermissionCheckHandler');
        state.permissionCheckHandler = handler;
      },
      setCertificateVerifyProc() {
        record('session.setCertificateVerifyProc');
      },
    } satisfies Pick<Electron.Session, 'setPermissionCheckHandler' | 'setCertificateVerifyProc'>),
  };

  const ipcMain = {
    handle(channel: string, listener: NonNullable<StandInState['invokeHandler']>) {
      record(`ipcMain.handle(${channel})`);
      state.invokeHandler = listener;
    },
  };

  const dialog = {
    showErrorBox(title: string, content: string) {
      record('dialog.showErrorBox');
      state.errorBoxes.push({ title, content });
    },
    async showMessageBox(...args: [Electron.MessageBoxOptions] | [unknown, Electron.MessageBoxOptions]) {
      const options = args.length === 1 ? args[0] : args[1];
      record(`dialog.showMessageBox(${options.message})`);
      state.messageBoxes.push(options);
      return { response: state.messageBoxAnswer, checkboxChecked: false };
    },
  };
  const globalShortcut = {
    register(accelerator: string, callback: () => void) {
      state.globalShortcuts.set(accelerator, callback);
      return true;
    },
    unregister(accelerator: string) {
      state.globalShortcuts.delete(accelerator);
    },
  } satisfies Pick<Electron.GlobalShortcut, 'register' | 'unregister'>;
  const nativeImage = {
    createFromBitmap() {
      return { addRepresentation() {} };
    },
  };

  const Menu = {
    buildFromTemplate(template: Electron.MenuItemConstructorOptions[]) {
      return { template };
    },
    setApplicationMenu(menu: { template: Electron.MenuItemConstructorOptions[] } | null) {
      record('Menu.setApplicationMenu');
      state.applicationMenu = menu?.template ?? null;
    },
  };

  class Notification extends EventEmitter implements Pick<Electron.Notification, 'show' | 'close'> {
    static isSupported(): boolean {
      return true;
    }
    constructor(readonly options: Electron.NotificationConstructorOptions) {
      super();
    }
    show(): void {
      record('notification.show');
    }
    close(): void {
      record('notification.close');
    }
  }

  const powerMonitor = new EventEmitter();
  const shell = {
    openExternal(url: string) {
      record(`shell.openExternal(${url})`);
      return Promise.resolve();
    },
  } satisfies Pick<Electron.Shell, 'openExternal'>;

  return {
    state,
    app,
    waitFor,
    module: {
      app,
      BrowserWindow: StandInBrowserWindow,
      dialog,
      ipcMain,
      Menu,
      Notification,
      Tray: StandInTray,
      globalShortcut,
      nativeImage,
      powerMonitor,
      protocol,
      session: { defaultSession },
      shell,
      net: { fetch: () => Promise.reject(new Error('net.fetch is not part of the stand-in')) },
    },
  };
}

/**
 * Loads a CommonJS main-process bundle with `require('electron')` answered by the stand-in: the stand-in is
 * put into Node's module cache under the path `electron` resolves to from the bundle, so nothing of the
 * real `electron` package (which would look for its binary) runs. A fresh copy of the bundle each time.
 */
export function loadMainWithStandIn(bundlePath: string, standIn: ElectronStandIn): void {
  const requireFromBundle = Module.createRequire(bundlePath);
  const electronPath = requireFromBundle.resolve('electron');
  const electronModule = new Module(electronPath);
  electronModule.filename = electronPath;
  electronModule.exports = standIn.module;
  electronModule.loaded = true;
  requireFromBundle.cache[electronPath] = electronModule;
  delete requireFromBundle.cache[bundlePath];
  requireFromBundle(bundlePath);
}
