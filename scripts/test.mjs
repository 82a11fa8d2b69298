// `npm test`: every quality gate in turn (lint, format, types per layer, unit/integration, end-to-end),
// each runner's own summary, then one line per runner and a total.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';

// Absolute: Vitest resolves output paths against the Vite root (renderer/).
const outDir = resolve('.test-output');
rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });

// The IPC fuzz and the audit tamper suite add their figures here; the summary repeats them.
const securityFigures = `${outDir}/security-figures.txt`;
process.env.SECURITY_FIGURES_FILE = securityFigures;

const layers = ['shared', 'electron', 'renderer', 'e2e'];
const results = [];

function run(name, command, args, summarize) {
  console.log(`\n=== ${name}: ${command} ${args.join(' ')}`);
  const started = Date.now();
  const { status } = spawnSync(command, args, { stdio: 'inherit' });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  results.push({ name, ok: status === 0, seconds, counts: summarize?.() ?? null });
}

function readJson(path) {
  return existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : null;
}

run('eslint', 'npx', ['eslint', '--max-warnings', '0', '.']);
run('prettier', 'npx', ['prettier', '--check', '--log-level', 'warn', '.']);
for (const layer of [...layers, 'tools']) {
  const project = layer === 'tools' ? 'tools.tsconfig.json' : `${layer}/tsconfig.json`;
  run(`tsc ${layer}`, 'npx', ['tsc', '--noEmit', '-p', project]);
}
run(
  'vitest',
  'npx',
  ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${outDir}/vitest.json`],
  () => {
    const report = readJson(`${outDir}/vitest.json`);
    return (
      report && {
        passed: report.numPassedTests,
        failed: report.numFailedTests,
        skipped: report.numPendingTests + report.numTodoTests,
      }
    );
  },
);
run('build', 'npm', ['run', '--silent', 'build']);
run('playwright', 'bash', ['e2e/netns-run.sh', 'npx', 'playwright', 'test'], () => {
  const report = readJson(`${outDir}/playwright.json`);
  return (
    report && {
      passed: report.stats.expected + report.stats.flaky,
      failed: report.stats.unexpected,
      skipped: report.stats.skipped,
    }
  );
});

console.log('\n=== Summary');
const total = { passed: 0, failed: 0, skipped: 0 };
for (const { name, ok, seconds, counts } of results) {
  const detail = counts
    ? `${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`
    : ok
      ? 'clean'
      : 'FAILED';
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name.padEnd(14)} ${detail} (${seconds} s)`);
  if (counts) for (const key of Object.keys(total)) total[key] += counts[key];
  else if (!ok) total.failed += 1;
}
if (existsSync(securityFigures))
  console.log(`security suites:\n${readFileSync(securityFigures, 'utf8').trimEnd()}`);
const matrix = `${outDir}/interop/matrix.md`;
if (existsSync(matrix)) console.log(`interop matrix: ${matrix} (and matrix.json, SIP traces of failures)`);
console.log(`total: ${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
process.exit(results.every((result) => result.ok) ? 0 : 1);
