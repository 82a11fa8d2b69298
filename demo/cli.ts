// `npm run demo`: the app against the local provider on this machine, signed in as a demo user (README:
// "Try it"). It runs in a loopback-only network namespace (e2e/netns-run.sh), as the end-to-end specs do.
// `npm run demo -- --call-me` and the other options talk to the demo that is running (demo/control.ts).
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDemoArgs, usage } from './args.js';
import { sendControl } from './control.js';
import { runDemo } from './run.js';

const parsed = parseDemoArgs(process.argv.slice(2));
if (!parsed.ok) {
  console.error(`${parsed.error}\n\n${usage}`);
  process.exit(2);
}
const { command } = parsed;
const stateDir = resolve(parsed.stateDir ?? fileURLToPath(new URL('../.demo', import.meta.url)));
// npm runs scripts in the checkout; a file name given on the command line means the person's folder.
const here = process.env.INIT_CWD ?? process.cwd();

if (command.kind === 'help') {
  console.log(usage);
} else if (command.kind === 'start') {
  await runDemo(command, stateDir);
} else {
  const reply = await sendControl(
    stateDir,
    command.kind === 'screenshot' ? { ...command, path: resolve(here, command.path) } : command,
  );
  (reply.ok ? console.log : console.error)(reply.message);
  process.exit(reply.ok ? 0 : 1);
}
