import { ESLint } from 'eslint';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const eslint = new ESLint({ cwd: repoRoot });
const probe = readFile(new URL('./fixtures/probe-test-code-import.ts', import.meta.url), 'utf8');

/** The import specifiers the rule refused, as the probe file names them (vitest, e2e/, testing/). */
async function refusedImports(path: string): Promise<string[]> {
  const [result] = await eslint.lintText(await probe, { filePath: `${repoRoot}${path}` });
  return result!.messages
    .filter((message) => message.ruleId === 'no-restricted-imports')
    .map((message) => message.message.match(/^'([^']+)'/)?.[1] ?? message.message);
}

describe('production code never imports test code (the real ESLint config)', () => {
  it.each([
    'electron/storage/probe.ts',
    'electron/platform/probe.ts',
    'electron/main.ts',
    'renderer/state/probe.ts',
    'renderer/screens/Probe.tsx',
    'shared/ipc/probe.ts',
  ])('the probe file fails the lint as %s, once per import', async (path) => {
    expect(await refusedImports(path)).toEqual([
      'vitest',
      '../../e2e/shell/shell.js',
      '../../testing/memory-secret-store.js',
    ]);
  });

  it.each(['electron/storage/probe.test.ts', 'renderer/screens/Probe.test.tsx'])(
    'a test file may import it (%s)',
    async (path) => {
      expect(await refusedImports(path)).toEqual([]);
    },
  );
});
