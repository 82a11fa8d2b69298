import { ESLint } from 'eslint';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { lintCases } from './fixtures/cases.js';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const eslint = new ESLint({ cwd: repoRoot });

describe('layer rules (docs/architecture.md) enforced by the real ESLint config', () => {
  it.each(lintCases)('$name', async ({ path, code, rule }) => {
    const [result] = await eslint.lintText(code, { filePath: `${repoRoot}${path}` });
    const rules = result!.messages.map((message) => message.ruleId);
    if (rule === null) expect(rules).toEqual([]);
    else expect(rules).toContain(rule);
  });
});
