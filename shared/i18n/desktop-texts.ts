/**
 * What main shows itself, outside the renderer's catalogs: the application and tray menus, the question
 * before quitting during a call, the missed-call notification and the question about phone links.
 * German and English, in the words people use on a phone.
 */
export type DesktopLanguage = 'de' | 'en';

/** The tray's view of the phone line (the renderer reports it; see `phone.registrationChanged`). */
export type LineStatus = 'registered' | 'connecting' | 'offline' | 'error';

const de = {
  menu: {
    file: 'Datei',
    edit: 'Bearbeiten',
    view: 'Ansicht',
    window: 'Fenster',
    help: 'Hilfe',
    about: 'Über Secure Softphone',
    services: 'Dienste',
    hide: 'Secure Softphone ausblenden',
    hideOthers: 'Andere ausblenden',
    showAll: 'Alle einblenden',
    quit: 'Secure Softphone beenden',
    undo: 'Widerrufen',
    redo: 'Wiederholen',
    cut: 'Ausschneiden',
    copy: 'Kopieren',
    paste: 'Einsetzen',
    selectAll: 'Alles auswählen',
    minimize: 'Im Dock ablegen',
    zoom: 'Zoomen',
    close: 'Fenster schließen',
    front: 'Alle nach vorne bringen',
    reload: 'Neu laden (Entwicklung)',
    toggleDevTools: 'Entwicklerwerkzeuge',
  },
  tray: {
    line: {
      registered: 'Bereit für Anrufe',
      connecting: 'Verbindung wird hergestellt …',
      offline: 'Offline',
      error: 'Nicht verbunden',
    } satisfies Record<LineStatus, string>,
    doNotDisturbOn: 'Nicht stören ist an',
    show: 'Secure Softphone anzeigen',
    doNotDisturb: 'Nicht stören',
    lock: 'Sperren',
    quit: 'Beenden',
  },
  quitDuringCall: {
    message: 'Ein Anruf läuft. Trotzdem beenden?',
    detail: 'Beim Beenden wird der Anruf aufgelegt.',
    quit: 'Auflegen und beenden',
    cancel: 'Abbrechen',
  },
  missedCall: {
    title: (count: number) => (count === 1 ? 'Verpasster Anruf' : `${count} verpasste Anrufe`),
    from: (caller: string) => `Von ${caller}`,
    callBack: 'Zurückrufen',
  },
  background: {
    title: 'Secure Softphone läuft weiter',
    body: 'Sie bleiben erreichbar. Zum Beenden wählen Sie „Beenden“ im Menü des Symbols.',
  },
  dialLinks: {
    message: 'Telefonnummern-Links mit Secure Softphone öffnen?',
    detail:
      'Links wie tel:, callto: und sip: in Ihrem Browser oder E-Mail-Programm öffnen dann Secure Softphone mit der Nummer. Gewählt wird erst, wenn Sie auf „Anrufen“ drücken. Sie können das später in den Einstellungen ändern.',
    yes: 'Ja, mit Secure Softphone öffnen',
    no: 'Nein',
  },
};

const en: typeof de = {
  menu: {
    file: 'File',
    edit: 'Edit',
    view: 'View',
    window: 'Window',
    help: 'Help',
    about: 'About Secure Softphone',
    services: 'Services',
    hide: 'Hide Secure Softphone',
    hideOthers: 'Hide Others',
    showAll: 'Show All',
    quit: 'Quit Secure Softphone',
    undo: 'Undo',
    redo: 'Redo',
    cut: 'Cut',
    copy: 'Copy',
    paste: 'Paste',
    selectAll: 'Select All',
    minimize: 'Minimise',
    zoom: 'Zoom',
    close: 'Close Window',
    front: 'Bring All to Front',
    reload: 'Reload (development)',
    toggleDevTools: 'Developer Tools',
  },
  tray: {
    line: {
      registered: 'Ready for calls',
      connecting: 'Connecting …',
      offline: 'Offline',
      error: 'Not connected',
    },
    doNotDisturbOn: 'Do Not Disturb is on',
    show: 'Show Secure Softphone',
    doNotDisturb: 'Do Not Disturb',
    lock: 'Lock',
    quit: 'Quit',
  },
  quitDuringCall: {
    message: 'A call is in progress. Quit anyway?',
    detail: 'Quitting hangs up the call.',
    quit: 'Hang up and quit',
    cancel: 'Cancel',
  },
  missedCall: {
    title: (count: number) => (count === 1 ? 'Missed call' : `${count} missed calls`),
    from: (caller: string) => `From ${caller}`,
    callBack: 'Call back',
  },
  background: {
    title: 'Secure Softphone keeps running',
    body: 'You can still be reached. To quit, choose “Quit” in the icon’s menu.',
  },
  dialLinks: {
    message: 'Open phone number links with Secure Softphone?',
    detail:
      'Links such as tel:, callto: and sip: in your browser or e-mail program then open Secure Softphone with the number. Nothing is dialled until you press Call. You can change this later in Settings.',
    yes: 'Yes, open them with Secure Softphone',
    no: 'No',
  },
};

export type DesktopTexts = typeof de;

export function desktopTexts(language: DesktopLanguage): DesktopTexts {
  return language === 'de' ? de : en;
}

/** The same rule as the renderer's: policy, then the person's choice, then the system (German for de-*). */
export function desktopLanguage(
  setting: 'system' | DesktopLanguage,
  policyLanguage: DesktopLanguage | null,
  systemLocale: string,
): DesktopLanguage {
  if (policyLanguage) return policyLanguage;
  if (setting !== 'system') return setting;
  return /^de\b/i.test(systemLocale) ? 'de' : 'en';
}
