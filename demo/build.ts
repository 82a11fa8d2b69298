import { spawn } from 'node:child_process';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));

/** The newest modification time of the files below `paths`. */
async function newest(paths: string[]): Promise<number> {
  let latest = 0;
  for (const path of paths) {
    const info = await stat(path).catch(() => null);
    if (!info) continue;
    if (!info.isDirectory()) latest = Math.max(latest, info.mtimeMs);
    else
      for (const entry of await readdir(path, { recursive: true, withFileTypes: true }))
        if (entry.isFile())
          latest = Math.max(latest, (await stat(join(entry.parentPath, entry.name))).mtimeMs);
  }
  return latest;
}

/** Whether `output` is missing or older than a file it is built from. */
async function stale(output: string, sources: string[]): Promise<boolean> {
  const built = await stat(join(repoRoot, output)).catch(() => null);
  return !built || (await newest(sources.map((source) => join(repoRoot, source)))) > built.mtimeMs;
}

/**
 * Builds the renderer (and Electron's main process where Electron runs) when their sources changed since the
 * last build: the end-to-end specs read the same build, so an unchanged one is left alone. `building` is
 * called before it starts.
 */
export async function buildIfChanged(electron: boolean, building: () => void): Promise<void> {
  const steps: string[][] = [];
  if (await stale('dist/renderer/index.html', ['renderer', 'shared', 'vite.config.ts', 'package-lock.json']))
    steps.push(['run', '--silent', 'build:renderer']);
  if (
    electron &&
    (await stale('dist/electron/main.cjs', ['electron', 'shared', 'scripts/build-electron.mjs']))
  )
    steps.push(['run', '--silent', 'build:electron']);
  if (steps.length > 0) building();
  for (const args of steps) {
    const child = spawn('npm', args, { cwd: repoRoot, stdio: ['ignore', 'ignore', 'inherit'] });
    const status = await new Promise<number | null>((resolve) => child.once('close', resolve));
    if (status !== 0) throw new Error(`npm ${args.join(' ')} failed`);
  }
}
