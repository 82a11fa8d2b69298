import { execFile, execFileSync } from 'node:child_process';
import { chmod, copyFile, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const packageJson = JSON.parse(await readFile(join(repoRoot, 'package.json'), 'utf8')) as {
  engines: { node: string };
  scripts: Record<string, string>;
};
const guardSource = await readFile(join(repoRoot, 'scripts', 'node-guard.mjs'));
const npmrcLine = `node-options=--import=data:text/javascript\\;base64,${guardSource.toString('base64')}`;
const GUARD_LINE =
  /^Node v\d+\.\d+\.\d+ is too old for this project \(it needs >=22\.12\.0\): run `source scripts\/setup\.sh` in this shell first/;

/**
 * A Node older than `engines`: the machine's own (/usr/bin/node is Node 20 on these Debian machines), or,
 * where that one is new enough, this Node reporting the version 20.0.0 before anything else runs.
 */
async function oldNodeDir(dir: string): Promise<string> {
  const bin = join(dir, 'bin');
  const systemVersion = (() => {
    try {
      const env = { ...process.env, NODE_OPTIONS: '' };
      return execFileSync('/usr/bin/node', ['-p', 'process.versions.node'], { encoding: 'utf8', env }).trim();
    } catch {
      return null;
    }
  })();
  await run('mkdir', ['-p', bin]);
  if (systemVersion && Number(systemVersion.split('.')[0]) < 22) {
    await symlink('/usr/bin/node', join(bin, 'node'));
    return bin;
  }
  const pretend = Buffer.from(
    "for(const[o,k,v]of[[process.versions,'node','20.0.0'],[process,'version','v20.0.0']])Object.defineProperty(o,k,{value:v})",
  ).toString('base64');
  await writeFile(
    join(bin, 'node'),
    `#!/bin/sh\nNODE_OPTIONS="--import=data:text/javascript;base64,${pretend} $NODE_OPTIONS" exec '${process.execPath}' "$@"\n`,
  );
  await chmod(join(bin, 'node'), 0o755);
  return bin;
}

describe('the Node version guard', () => {
  let dir: string;
  let oldNode: string;

  beforeAll(async () => {
    // A copy of the project's npm configuration with its dependencies: a script that were not stopped would
    // fail on the missing sources here instead of building, formatting or testing the repository.
    dir = await mkdtemp(join(tmpdir(), 'node-guard-'));
    await writeFile(
      join(dir, 'package.json'),
      JSON.stringify({
        ...packageJson,
        scripts: {
          ...packageJson.scripts,
          'guard-probe': 'node -p "[process.version, process.env.NODE_OPTIONS]"',
        },
      }),
    );
    await copyFile(join(repoRoot, '.npmrc'), join(dir, '.npmrc'));
    await symlink(join(repoRoot, 'node_modules'), join(dir, 'node_modules'));
    oldNode = await oldNodeDir(dir);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('is what .npmrc has npm load into every Node process of a script', async () => {
    const npmrc = await readFile(join(repoRoot, '.npmrc'), 'utf8');
    // On a mismatch, the expected line is the one to put into .npmrc.
    expect(npmrc.split('\n').filter((line) => line.startsWith('node-options='))).toEqual([npmrcLine]);
  });

  // `npm run demo` is the one command that sets up: it installs Node 22 itself (scripts/demo.sh, below).
  it.each(Object.keys(packageJson.scripts).filter((script) => script !== 'demo'))(
    'stops `npm run %s` on an old Node at once, with one line that says what to do',
    async (script) => {
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        PATH: `${oldNode}${delimiter}${process.env.PATH ?? ''}`,
      };
      delete env.NODE_OPTIONS;
      const outcome = await run('npm', ['run', '--silent', script], { cwd: dir, env, timeout: 60_000 }).then(
        () => ({ code: 0, stderr: '', stdout: '' }),
        (error: { code: number; stderr: string; stdout: string }) => error,
      );
      expect(outcome.code).toBe(1);
      expect(outcome.stderr.trimEnd().split('\n')).toEqual([expect.stringMatching(GUARD_LINE)]);
      expect(outcome.stdout).toBe('');
    },
    60_000,
  );

  it('lets `npm run demo` on an old Node set up the right one instead of stopping', async () => {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PATH: `${oldNode}${delimiter}${process.env.PATH ?? ''}`,
    };
    delete env.NODE_OPTIONS;
    expect(packageJson.scripts.demo).toBe('bash scripts/demo.sh');
    const { stdout } = await run('npm', ['run', '--silent', 'demo', '--', '--help'], { cwd: repoRoot, env });
    expect(stdout).toMatch(/^Usage: npm run demo/);
  }, 60_000);

  it('lets the Node that engines asks for run the script, the guard loaded', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env.NODE_OPTIONS;
    const { stdout } = await run('npm', ['run', '--silent', 'guard-probe'], { cwd: dir, env });
    expect(stdout).toContain(`'${process.version}'`);
    expect(stdout).toContain(npmrcLine.slice('node-options='.length).replace('\\;', ';'));
  });
});
