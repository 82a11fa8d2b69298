import { parseArgs } from 'node:util';

export const usage = `Usage: npm run demo [-- OPTIONS]

Starts the local provider (SIP edge, media relay, login broker, provider API) and the app, signed in as a
demo user, with an echo test and two colleagues in the contacts. Ctrl+C stops everything.

  --locale de-DE         the system language the app sees (default: from $LANG)
  --devtools             let local programs drive the app's browser (Chromium's DevTools port on
                         127.0.0.1, named in the state folder's demo.json; for scripted tests)
  --state-dir DIR        where the running demo announces itself (default: .demo in the checkout)

While it runs, from another terminal:
  --call-me              a colleague calls you
  --incident "TITLE"     the provider's status page reports an outage with this title
  --all-clear            the status page reports all systems operational again
  --code                 the demo user's current one-time code
  --screenshot FILE      saves a picture of the app's window (PNG)`;

/** What one `npm run demo` asks for: start the demo, or tell the running one to do something. */
export type DemoCommand =
  | { kind: 'help' }
  | { kind: 'start'; locale: string | null; devtools: boolean }
  | { kind: 'call-me' }
  | { kind: 'incident'; title: string }
  | { kind: 'all-clear' }
  | { kind: 'code' }
  | { kind: 'screenshot'; path: string };

export type ControlCommand = Exclude<DemoCommand, { kind: 'help' } | { kind: 'start' }>;

export function parseDemoArgs(
  argv: string[],
): { ok: true; command: DemoCommand; stateDir: string | null } | { ok: false; error: string } {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv.filter((arg) => arg !== '--'),
      strict: true,
      allowPositionals: false,
      options: {
        help: { type: 'boolean', short: 'h', default: false },
        locale: { type: 'string' },
        devtools: { type: 'boolean', default: false },
        'state-dir': { type: 'string' },
        'call-me': { type: 'boolean', default: false },
        incident: { type: 'string' },
        'all-clear': { type: 'boolean', default: false },
        code: { type: 'boolean', default: false },
        screenshot: { type: 'string' },
      },
    }));
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
  const stateDir = values['state-dir'] ?? null;
  const controls: ControlCommand[] = [
    ...(values['call-me'] ? [{ kind: 'call-me' as const }] : []),
    ...(values.incident !== undefined ? [{ kind: 'incident' as const, title: values.incident.trim() }] : []),
    ...(values['all-clear'] ? [{ kind: 'all-clear' as const }] : []),
    ...(values.code ? [{ kind: 'code' as const }] : []),
    ...(values.screenshot !== undefined ? [{ kind: 'screenshot' as const, path: values.screenshot }] : []),
  ];
  if (values.help) return { ok: true, command: { kind: 'help' }, stateDir };
  if (controls.length > 1) return { ok: false, error: 'one thing at a time: choose one of the options' };
  const control = controls[0];
  if (control) {
    if (values.locale !== undefined || values.devtools)
      return { ok: false, error: '--locale and --devtools go with starting the demo' };
    if (control.kind === 'incident' && (control.title.length === 0 || control.title.length > 300))
      return { ok: false, error: '--incident needs a title of 1 to 300 characters' };
    if (control.kind === 'screenshot' && control.path.trim() === '')
      return { ok: false, error: '--screenshot needs a file name' };
    return { ok: true, command: control, stateDir };
  }
  if (values.locale !== undefined && !/^[a-z]{2}(-[A-Z]{2})?$/.test(values.locale))
    return {
      ok: false,
      error: `--locale takes a language tag such as de-DE or en-GB, not "${values.locale}"`,
    };
  return {
    ok: true,
    command: { kind: 'start', locale: values.locale ?? null, devtools: values.devtools },
    stateDir,
  };
}
