import { copyFile, mkdir, rm, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import type {
  FullConfig,
  FullResult,
  Reporter,
  TestCase,
  TestResult,
  TestStep,
} from '@playwright/test/reporter';
import {
  CELL_ANNOTATION,
  parseCell,
  UNSUPPORTED_ANNOTATION,
  type CellKey,
  type CellStatus,
} from './cells.js';

/** One test's verdict on one cell. */
interface Verdict {
  status: CellStatus;
  test: string;
  location: string;
  error?: string;
  /** The SIP trace the test attached, once copied into the report's folder (relative to it). */
  trace?: string;
  /** For a cell the peer does not support: why. */
  reason?: string;
}

export interface MatrixCell extends CellKey {
  status: CellStatus;
  verdicts: Verdict[];
}

export interface MatrixReport {
  generated: string;
  cells: MatrixCell[];
}

const WORST_FIRST: CellStatus[] = ['fail', 'not run', 'pass', 'unsupported'];

/** A cell's status from its tests' verdicts: the worst of them. */
export function cellStatus(verdicts: readonly Verdict[]): CellStatus {
  return WORST_FIRST.find((status) => verdicts.some((verdict) => verdict.status === status)) ?? 'not run';
}

/**
 * A test's verdict on one of its cells. A test that checks several cells in one call names a step after
 * each feature (`test.step('DTMF', ...)`): the cell takes that step's result, and a cell whose step the
 * test never reached (an earlier step failed) is "not run". Without steps, the test's own result counts.
 */
export function verdictFor(
  feature: string,
  result: Pick<TestResult, 'status'>,
  steps: ReadonlyMap<string, 'pass' | 'fail'>,
): CellStatus {
  const step = steps.get(feature);
  if (step) return step;
  if (result.status === 'passed') return 'pass';
  if (result.status === 'skipped' || steps.size > 0) return 'not run';
  return 'fail';
}

const slug = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');

const statusText: Record<CellStatus, string> = {
  pass: 'pass',
  fail: '**FAIL**',
  'not run': 'not run',
  unsupported: 'n/a',
};

/** The Markdown table: a row per peer, a column per feature, each direction in its cell. */
export function matrixMarkdown(report: MatrixReport, folder: string): string {
  const peers = [...new Set(report.cells.map((cell) => cell.peer))];
  const features = [...new Set(report.cells.map((cell) => cell.feature))];
  const escape = (text: string) => text.replaceAll('|', '\\|').replaceAll('\n', ' ');
  const lines = [
    '# Interop matrix',
    '',
    `Run of ${report.generated}. Each cell: the result per call direction (app calls the peer, the peer ` +
      'calls the app, or - where a direction does not apply); n/a: the peer does not support it. ' +
      `Details and SIP traces of failures below and in \`matrix.json\` (${folder}).`,
    '',
    `| peer | ${features.map(escape).join(' | ')} |`,
    `| --- | ${features.map(() => '---').join(' | ')} |`,
  ];
  for (const peer of peers) {
    const row = features.map((feature) =>
      report.cells
        .filter((cell) => cell.peer === peer && cell.feature === feature)
        .map((cell) => `${statusText[cell.status]}${cell.direction === '-' ? '' : ` (${cell.direction})`}`)
        .join('<br>'),
    );
    lines.push(`| ${escape(peer)} | ${row.join(' | ')} |`);
  }
  const failed = report.cells.filter((cell) => cell.status === 'fail' || cell.status === 'not run');
  const unsupported = report.cells.filter((cell) => cell.status === 'unsupported');
  if (failed.length > 0) {
    lines.push('', '## Failed or not run', '');
    for (const cell of failed)
      for (const verdict of cell.verdicts.filter((v) => v.status !== 'pass'))
        lines.push(
          `- ${escape(cell.peer)} / ${escape(cell.feature)} / ${cell.direction}: ${verdict.status} in ` +
            `"${escape(verdict.test)}" (${verdict.location})` +
            (verdict.error ? `: ${escape(verdict.error)}` : '') +
            (verdict.trace ? ` [SIP trace](${verdict.trace})` : ''),
        );
  }
  if (unsupported.length > 0) {
    lines.push('', '## Not supported by the peer', '');
    for (const cell of unsupported)
      lines.push(
        `- ${escape(cell.peer)} / ${escape(cell.feature)} / ${cell.direction}: ` +
          escape(cell.verdicts.map((v) => v.reason).join('; ')),
      );
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Builds the interop matrix (peer x feature, pass/fail per direction) from the `interop` annotations of
 * the tests that ran (e2e/interop/cells.ts, INTERFACES.md), writes it as `matrix.md` and `matrix.json`
 * into its folder, and copies the SIP trace of every failed cell there (`traces/`).
 */
export default class InteropMatrixReporter implements Reporter {
  private readonly folder: string;
  private readonly steps = new Map<string, Map<string, 'pass' | 'fail'>>();
  private readonly cells = new Map<string, MatrixCell>();
  private readonly copies: Promise<unknown>[] = [];

  constructor(options: { outputFolder?: string } = {}) {
    this.folder = resolve(options.outputFolder ?? '.test-output/interop');
  }

  printsToStdio(): boolean {
    return false;
  }

  onBegin(_config: FullConfig): void {
    this.copies.push(rm(this.folder, { recursive: true, force: true }));
  }

  onStepEnd(test: TestCase, result: TestResult, step: TestStep): void {
    if (step.category !== 'test.step') return;
    const key = `${test.id}#${result.retry}`;
    const steps = this.steps.get(key) ?? new Map<string, 'pass' | 'fail'>();
    steps.set(step.title, step.error ? 'fail' : 'pass');
    this.steps.set(key, steps);
  }

  onTestEnd(test: TestCase, result: TestResult): void {
    const location = `${relative(process.cwd(), test.location.file)}:${test.location.line}`;
    const steps = this.steps.get(`${test.id}#${result.retry}`) ?? new Map<string, 'pass' | 'fail'>();
    const error = stripVTControlCharacters(result.error?.message ?? '').split('\n')[0] || undefined;
    const trace = result.attachments.find((attachment) => attachment.name === 'sip-trace');
    for (const annotation of test.annotations) {
      if (annotation.type !== CELL_ANNOTATION && annotation.type !== UNSUPPORTED_ANNOTATION) continue;
      const parsed = parseCell(annotation.description ?? '');
      if (!parsed) continue;
      const { key, reason } = parsed;
      const verdict: Verdict =
        annotation.type === UNSUPPORTED_ANNOTATION
          ? { status: 'unsupported', test: test.title, location, reason }
          : { status: verdictFor(key.feature, result, steps), test: test.title, location };
      if (verdict.status === 'fail') {
        verdict.error = error;
        if (trace?.path) {
          verdict.trace = `traces/${slug(`${key.peer} ${key.feature} ${key.direction}`)}-${slug(test.title).slice(0, 40)}.txt`;
          const target = join(this.folder, verdict.trace);
          const source = trace.path;
          this.copies.push(
            mkdir(join(this.folder, 'traces'), { recursive: true }).then(() => copyFile(source, target)),
          );
        }
      }
      const id = `${key.peer}|${key.feature}|${key.direction}`;
      const cell = this.cells.get(id) ?? { ...key, status: 'not run' as CellStatus, verdicts: [] };
      cell.verdicts.push(verdict);
      cell.status = cellStatus(cell.verdicts);
      this.cells.set(id, cell);
    }
  }

  async onEnd(_result: FullResult): Promise<void> {
    await Promise.allSettled(this.copies);
    if (this.cells.size === 0) return;
    const report: MatrixReport = { generated: new Date().toISOString(), cells: [...this.cells.values()] };
    await mkdir(this.folder, { recursive: true });
    const folder = relative(process.cwd(), this.folder);
    await writeFile(join(this.folder, 'matrix.json'), `${JSON.stringify(report, null, 2)}\n`);
    await writeFile(join(this.folder, 'matrix.md'), matrixMarkdown(report, folder));
  }
}
