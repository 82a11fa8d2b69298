import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
// The builds run as `npm run build` runs them: in their own process, without Vitest's NODE_ENV=test (under
// which Vite would bundle React's development build).
const buildEnv = Object.fromEntries(Object.entries(process.env).filter(([key]) => key !== 'NODE_ENV'));
const scratch = mkdtempSync(join(tmpdir(), 'softphone-reproducible-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** SHA-256 of every file under a folder, by relative path. */
function hashes(folder: string): Record<string, string> {
  const result: Record<string, string> = {};
  for (const entry of readdirSync(folder, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    result[relative(folder, path)] = createHash('sha256').update(readFileSync(path)).digest('hex');
  }
  return result;
}

describe('reproducible bundles', () => {
  it('main and preload (esbuild) are byte-identical when built twice', () => {
    const outputs = ['first', 'second'].map((name) => {
      const outDir = join(scratch, 'electron', name);
      const run = spawnSync(process.execPath, ['scripts/build-electron.mjs', outDir], {
        cwd: repoRoot,
        encoding: 'utf8',
        env: buildEnv,
      });
      expect(run.status, run.stderr).toBe(0);
      return hashes(outDir);
    });
    expect(Object.keys(outputs[0]!).sort()).toEqual(['main.cjs', 'preload.cjs']);
    expect(outputs[1]).toEqual(outputs[0]);
  }, 60_000);

  it('the renderer (vite build) is byte-identical when built twice', () => {
    const outputs = ['first', 'second'].map((name) => {
      const outDir = join(scratch, 'renderer', name);
      const run = spawnSync(
        process.execPath,
        ['node_modules/vite/bin/vite.js', 'build', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'warn'],
        { cwd: repoRoot, encoding: 'utf8', env: buildEnv },
      );
      expect(run.status, run.stderr).toBe(0);
      return hashes(outDir);
    });
    expect(Object.keys(outputs[0]!)).toContain('index.html');
    expect(Object.keys(outputs[0]!).some((path) => path.endsWith('.js'))).toBe(true);
    expect(outputs[1]).toEqual(outputs[0]);
  }, 60_000);
});
