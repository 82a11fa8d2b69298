import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { DialLinkState } from '../../shared/ipc/contract.js';
import { dialSchemes } from './protocol-handler.js';

/** The part of Electron's `app` that registering as the handler of phone links needs. */
export interface DialLinkApp {
  isPackaged: boolean;
  setAsDefaultProtocolClient(protocol: string, path?: string, args?: string[]): boolean;
  isDefaultProtocolClient(protocol: string, path?: string, args?: string[]): boolean;
}

export type DialLinkChoice = 'accepted' | 'declined';

export interface DialLinkRegistrationDeps {
  app: DialLinkApp;
  platform: NodeJS.Platform;
  /** Development: Electron's binary with the app folder as its argument (Electron's documented way). */
  execPath: string;
  appPath: string;
  /** Where the person's answer is kept (userData). */
  choiceFile: string;
  /** Linux AppImage: the image's path ($APPIMAGE); it has no installed .desktop file of its own. */
  appImage?: string | undefined;
  /** package.json desktopName: the .desktop file xdg-settings names as the handler. */
  desktopName: string;
  /** ~/.local/share/applications (XDG_DATA_HOME/applications). */
  applicationsDir: string;
  /** Asks the person once (a dialog in main, in the app's language); true for yes. */
  ask(): Promise<boolean>;
}

/** Quotes a path for a desktop entry's Exec key (Desktop Entry Specification, "The Exec key"). */
function execQuote(path: string): string {
  return `"${path.replace(/(["`$\\])/g, '\\$1')}"`;
}

/**
 * The desktop entry an AppImage needs to receive tel:/callto:/sip: links: deb and rpm install theirs, an
 * AppImage installs nothing, and xdg-settings can only name an existing .desktop file.
 */
export function appImageDesktopEntry(appImage: string, desktopName: string): string {
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Name=Secure Softphone',
    'Comment=Secure business softphone',
    `Exec=${execQuote(appImage)} %U`,
    'Terminal=false',
    `Icon=${desktopName.replace(/\.desktop$/, '')}`,
    'Categories=Network;Telephony;',
    `MimeType=${dialSchemes.map((scheme) => `x-scheme-handler/${scheme};`).join('')}`,
    `StartupWMClass=${desktopName.replace(/\.desktop$/, '')}`,
    '',
  ].join('\n');
}

/**
 * Making the app the handler of phone links, only with the person's consent: asked once on the first run,
 * or from Settings; never silently on every start (that overrode a choice made in the system's settings).
 * Windows: registering makes the app one of the choices; since Windows 8 only the person can make it the
 * default, in Settings > Apps > Default apps (or when Windows asks at the next link).
 */
export function createDialLinkRegistration(deps: DialLinkRegistrationDeps) {
  const clientArgs = (): [string?, string[]?] => (deps.app.isPackaged ? [] : [deps.execPath, [deps.appPath]]);

  const readChoice = async (): Promise<DialLinkChoice | null> => {
    try {
      const { choice } = JSON.parse(await readFile(deps.choiceFile, 'utf8')) as { choice?: unknown };
      return choice === 'accepted' || choice === 'declined' ? choice : null;
    } catch {
      return null;
    }
  };
  const saveChoice = async (choice: DialLinkChoice) => {
    await mkdir(dirname(deps.choiceFile), { recursive: true });
    await writeFile(deps.choiceFile, `${JSON.stringify({ choice })}\n`, { mode: 0o600 });
  };

  const state = (): DialLinkState => ({
    handled: dialSchemes.every((scheme) => deps.app.isDefaultProtocolClient(scheme, ...clientArgs()))
      ? 'yes'
      : 'no',
    confirmInSystemSettings: deps.platform === 'win32',
  });

  const register = async (): Promise<DialLinkState> => {
    if (deps.platform === 'linux' && deps.appImage) {
      const entry = join(deps.applicationsDir, deps.desktopName);
      await mkdir(deps.applicationsDir, { recursive: true });
      await writeFile(entry, appImageDesktopEntry(deps.appImage, deps.desktopName), { mode: 0o644 });
    }
    for (const scheme of dialSchemes) deps.app.setAsDefaultProtocolClient(scheme, ...clientArgs());
    await saveChoice('accepted');
    return state();
  };

  return {
    state,
    /** Settings' "Use for phone links", and the first run's yes. */
    register,
    /** On the first run only: asks, remembers the answer, and registers on yes. */
    async askOnFirstRun(): Promise<DialLinkChoice> {
      const earlier = await readChoice();
      if (earlier) return earlier;
      if (!(await deps.ask())) {
        await saveChoice('declined');
        return 'declined';
      }
      await register();
      return 'accepted';
    },
  };
}
export type DialLinkRegistration = ReturnType<typeof createDialLinkRegistration>;
