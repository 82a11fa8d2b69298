// `npm run shell -- --policy <file>`: the app in a headed Chromium for manual work, pointed at the
// provider the policy names. Without a display it starts a private Xvfb.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { filePolicySource, InvalidPolicyError } from '../../electron/policy/source.js';
import { startTestKeyring, type TestKeyring } from '../provider/keyring.js';
import { createTrustingHome } from '../provider/nss.js';
import { launchShell } from './shell.js';

const usage = `Usage: npm run shell -- --policy <policy.json> [--data-dir <dir>] [--locale de-DE] [--headless]
                         [--proxy http://[user:password@]host:port]

  --policy     managed policy file (provider endpoints, extra CA certificates, ...)
  --data-dir   app profile directory (default: ~/.config/secure-softphone-shell)
  --locale     the system language the app sees (default: from $LANG)
  --headless   no window (for scripted checks)
  --proxy      the company's proxy for the browser (--proxy-server, loopback included) and for main's
               HTTP client; without it both read HTTPS_PROXY/NO_PROXY from the environment`;

async function startXvfb(): Promise<{ display: string; process: ChildProcess }> {
  const display = `:${90 + Math.floor(Math.random() * 900)}`;
  const xvfb = spawn('Xvfb', [display, '-screen', '0', '1280x800x24', '-nolisten', 'tcp'], {
    stdio: 'ignore',
  });
  await new Promise<void>((resolveStart, reject) => {
    xvfb.once('error', reject);
    // Xvfb has no readiness signal on stdout; its socket appearing is the signal.
    const socket = `/tmp/.X11-unix/X${display.slice(1)}`;
    const started = Date.now();
    const poll = setInterval(() => {
      if (existsSync(socket)) {
        clearInterval(poll);
        resolveStart();
      } else if (Date.now() - started > 10_000) {
        clearInterval(poll);
        reject(new Error('Xvfb did not start within 10 s'));
      }
    }, 50);
  });
  return { display, process: xvfb };
}

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

  let xvfb: ChildProcess | null = null;
  if (!values.headless && !process.env.DISPLAY) {
    const started = await startXvfb();
    xvfb = started.process;
    process.env.DISPLAY = started.display;
    console.log(
      `No display: started Xvfb on ${started.display} (connect with a VNC server or take screenshots).`,
    );
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
    xvfb?.kill();
    throw error;
  });
  console.log(
    `Secure Softphone shell is running (policy ${policy.location}, data ${dataDir}). Close the window or press Ctrl+C to stop.`,
  );

  const stop = async () => {
    await shell.close().catch(() => {});
    await keyring?.stop();
    xvfb?.kill();
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
