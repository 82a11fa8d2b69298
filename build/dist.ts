// `npm run dist` (after the bundles and the SBOM): electron-builder for the current platform, with signing
// configured from the environment only. Usage: tsx build/dist.ts [extra electron-builder arguments]
import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';

/** Azure Trusted Signing's three settings; its credentials stay in the environment (AZURE_CLIENT_*). */
const azureVariables = {
  endpoint: 'AZURE_SIGNING_ENDPOINT',
  codeSigningAccountName: 'AZURE_SIGNING_ACCOUNT',
  certificateProfileName: 'AZURE_SIGNING_PROFILE',
} as const;

/**
 * electron-builder arguments for Windows signing from the environment: with the Azure Trusted Signing
 * variables, `win.azureSignOptions` (same publisher name as signtool's); otherwise none, and signtool
 * signs with WIN_CSC_LINK / CSC_LINK when they are set. Half-configured Azure signing is an error rather
 * than an unsigned installer.
 */
export function signingArguments(env: Record<string, string | undefined>, publisherName: string): string[] {
  const present = Object.entries(azureVariables).filter(([, variable]) => env[variable]);
  if (present.length === 0) return [];
  if (present.length < Object.keys(azureVariables).length) {
    const missing = Object.values(azureVariables).filter((variable) => !env[variable]);
    throw new Error(`Azure Trusted Signing is half configured: set ${missing.join(', ')}`);
  }
  return [
    `-c.win.azureSignOptions.publisherName=${publisherName}`,
    ...present.map(([option, variable]) => `-c.win.azureSignOptions.${option}=${env[variable]}`),
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { parse } = await import('yaml');
  const { readFileSync } = await import('node:fs');
  const config = parse(readFileSync('electron-builder.yml', 'utf8')) as {
    win: { signtoolOptions: { publisherName: string } };
  };
  const args = [
    'electron-builder',
    '--publish',
    'never',
    ...signingArguments(process.env, config.win.signtoolOptions.publisherName),
    ...process.argv.slice(2),
  ];
  const { status } = spawnSync('npx', args, { stdio: 'inherit' });
  process.exit(status ?? 1);
}
