// Bundles the main process and the preload. Deterministic: same input, same bytes (no timestamps, no maps);
// build/reproducible-build.test.ts builds twice and compares hashes.
// Usage: node scripts/build-electron.mjs [output folder, default dist/electron]
import { build } from 'esbuild';
import { join } from 'node:path';

const outDir = process.argv[2] ?? 'dist/electron';

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node22',
  sourcemap: false,
  legalComments: 'none',
  logLevel: 'warning',
  external: ['electron', 'keytar', 'better-sqlite3-multiple-ciphers'],
};

await build({ ...common, entryPoints: ['electron/main.ts'], outfile: join(outDir, 'main.cjs') });
// A sandboxed preload may require only 'electron': everything else is bundled in.
await build({
  ...common,
  entryPoints: ['electron/preload.ts'],
  outfile: join(outDir, 'preload.cjs'),
  external: ['electron'],
});
