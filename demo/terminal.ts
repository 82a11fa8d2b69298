import { DIRECTORY } from './peers.js';

/** What the terminal shows once the demo is ready: who you are, how to sign in again, what to try. */
export interface ReadyFacts {
  /** "Electron" or why the browser shell stands in for it. */
  runtime: { kind: 'electron' } | { kind: 'shell'; reason: string };
  user: { name: string; username: string; password: string; extension: string; code: string };
  /** Null: the computer's microphone and speakers; else why Chromium's test devices stand in. */
  testDevices: string | null;
  /** Null: the app's own window on this screen; else the note on the virtual screen. */
  virtualScreen: string | null;
  /** Null: this session's keychain; else why a private one. */
  privateKeychain: string | null;
  edge: { wssUrl: string; issuer: string };
  runDir: string;
}

export function readyText(facts: ReadyFacts): string {
  const { user } = facts;
  const { echo, colleague, second } = DIRECTORY;
  return [
    '',
    facts.runtime.kind === 'electron'
      ? 'Secure Softphone demo is ready, in the desktop app (Electron).'
      : 'Secure Softphone demo is ready, in the browser shell: the same renderer and main-process services, ' +
        `shown in Chromium, because ${facts.runtime.reason}.`,
    ...(facts.virtualScreen ? ['', facts.virtualScreen] : []),
    '',
    `Signed in as ${user.name}, extension ${user.extension}, with the provider account:`,
    `  user name      ${user.username}`,
    `  password       ${user.password}`,
    `  one-time code  ${user.code}  (it changes every 30 s: npm run demo -- --code)`,
    '',
    'Try:',
    `  - Call ${echo.extension}, the echo test: what you say comes back.` +
      (facts.testDevices ? ` (${facts.testDevices}.)` : ''),
    `  - Call ${colleague.extension} (${colleague.name}): she answers after a ring. Transfer her to ` +
      `${second.extension} (${second.name}), or call him too and join both in a conference.`,
    `  - npm run demo -- --call-me: ${colleague.name} calls you.`,
    '  - npm run demo -- --incident "Calls to mobile networks fail": your provider reports an outage, and the',
    '    app shows it within seconds; npm run demo -- --all-clear ends it.',
    '  - Settings > Sign out, then sign in again: Provider account, with the user name, password and code above.',
    '',
    `The local provider: SIP edge ${facts.edge.wssUrl}, sign-in and provider API ${facts.edge.issuer}.`,
    ...(facts.privateKeychain
      ? [`Keychain: ${facts.privateKeychain}, so the demo's secrets live in a private one that ends with it.`]
      : ["Keychain: this session's; the demo removes its items when it stops."]),
    `Logs: ${facts.runDir}`,
    'Press Ctrl+C to stop everything.',
    '',
  ].join('\n');
}
