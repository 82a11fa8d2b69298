// `npm run shell -- --policy <file>`: the app in a headed Chromium for manual work, pointed at the
// provider the policy names. Without a display it can reach, it starts a private Xvfb and says so.
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { filePolicySource, InvalidPolicyError } from '../../electron/policy/source.js';
import { startTestKeyring, type TestKeyring } from '../provider/keyring.js';
import { createTrustingHome } from '../provider/nss.js';
import { chooseDisplay, virtualScreenNote, type Display } from './display.js';
import { launchShell } from './shell.js';

const usage = `Usage: npm run shell -- --policy <policy.json> [--data-dir <dir>] [--locale de-DE] [--headless]
                         [--proxy http://[user:password@]host:port]

  --policy     managed policy file (provider endpoints, extra CA certificates, ...)
  --data-dir   app profile directory (default: ~/.config/secure-softphone-shell)
  --locale     the system language the app sees (default: from $LANG)
  --headless   no window (for scripted checks)
  --proxy      the company's proxy for the browser (--proxy-server, loopback included) and for main's
               HTTP client; without it both read HTTPS_PROXY/NO_PROXY from the environment`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      policy: { type: 'string' },
      'data-dir': { type: 'string' },
      locale: { type: 'string' },
      headless: { type: 'boolean', default: false },
      proxy: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help || !values.policy) {
    console.log(usage);
    process.exit(values.help ? 0 : 2);
  }
  const policy = filePolicySource(resolve(values.policy));
  const read = await policy.read();
  if (read.status !== 'ok') {
    console.error(
      read.status === 'absent'
        ? `No policy file at ${policy.location}`
        : new InvalidPolicyError(policy.location, read.problems).message,
    );
    process.exit(2);
  }

  // A private browser HOME whose NSS database trusts exactly the policy's extra CAs.
  const browserHome = await mkdtemp(join(tmpdir(), 'softphone-shell-home-'));
  for (const [index, pem] of (read.policy.extraCaCertificates ?? []).entries()) {
    const caPath = join(browserHome, `policy-ca-${index}.pem`);
    await writeFile(caPath, pem);
    await createTrustingHome(browserHome, caPath);
  }

  // The person's screen where the shell can reach it; otherwise a virtual one, and it says so.
  let display: Display | null = null;
  if (!values.headless) {
    display = await chooseDisplay(process.env);
    if (display.kind === 'virtual') {
      process.env.DISPLAY = display.name;
      console.log(virtualScreenNote(display));
    }
  }

  // Without a session bus (a headless machine) there is no keychain: use a private, throwaway one.
  let keyring: TestKeyring | null = null;
  if (!process.env.DBUS_SESSION_BUS_ADDRESS) {
    keyring = await startTestKeyring(browserHome);
    Object.assign(process.env, keyring.env);
    console.log('No session bus: the keychain is a private gnome-keyring that ends with the shell.');
  }

  const proxyUrl = values.proxy === undefined ? null : URL.parse(values.proxy);
  if (
    values.proxy !== undefined &&
    (!proxyUrl || !['http:', 'https:', 'socks5:'].includes(proxyUrl.protocol))
  ) {
    console.error(`--proxy must be an http://, https:// or socks5:// URL, not ${values.proxy}`);
    process.exit(2);
  }
  const dataDir = values['data-dir'] ?? join(homedir(), '.config', 'secure-softphone-shell');
  await mkdir(dataDir, { recursive: true });
  const systemLanguage = /^[a-z]{2}(_[A-Z]{2})?/.exec(process.env.LANG ?? '')?.[0]?.replace('_', '-');
  const shell = await launchShell({
    policy,
    dataDir,
    browserHome,
    headless: values.headless,
    ...(display?.kind === 'screen' && { chromiumArgs: display.chromiumArgs }),
    systemLocale: values.locale ?? systemLanguage ?? 'en-US',
    // The shell has no folder dialog: "Export my data" writes into Documents, where Electron's dialog starts.
    exportDir: join(homedir(), 'Documents'),
    ...(proxyUrl && {
      proxy: {
        server: `${proxyUrl.protocol}//${proxyUrl.host}`,
        ...(proxyUrl.username && {
          username: decodeURIComponent(proxyUrl.username),
          password: decodeURIComponent(proxyUrl.password),
        }),
      },
    }),
  }).catch(async (error: unknown) => {
    await keyring?.stop();
    if (display?.kind === 'virtual') await display.stop();
    throw error;
  });
  console.log(
    `Secure Softphone shell is running (policy ${policy.location}, data ${dataDir}). Close the window or press Ctrl+C to stop.`,
  );

  const stop = async () => {
    await shell.close().catch(() => {});
    await keyring?.stop();
    if (display?.kind === 'virtual') await display.stop();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  shell.page.once('close', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
