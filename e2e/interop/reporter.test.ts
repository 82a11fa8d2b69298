import { describe, expect, it } from 'vitest';
import { cell, parseCell, unsupported } from './cells.js';
import { cellStatus, matrixMarkdown, verdictFor, type MatrixReport } from './reporter.js';

describe('interop matrix cells', () => {
  it('reads the annotations the specs declare', () => {
    expect(parseCell(cell('baresip UDP', 'DTMF', 'app calls').description)).toEqual({
      key: { peer: 'baresip UDP', feature: 'DTMF', direction: 'app calls' },
    });
    expect(parseCell(unsupported('sipp', 'DTMF', 'app calls', 'no decoder').description)).toEqual({
      key: { peer: 'sipp', feature: 'DTMF', direction: 'app calls' },
      reason: 'no decoder',
    });
    expect(parseCell('sipp | connect')).toBeNull();
  });

  it('takes a step named after the feature, else the test result; unreached steps are not run', () => {
    const steps = new Map<string, 'pass' | 'fail'>([
      ['connect', 'pass'],
      ['DTMF', 'fail'],
    ]);
    expect(verdictFor('connect', { status: 'failed' }, steps)).toBe('pass');
    expect(verdictFor('DTMF', { status: 'failed' }, steps)).toBe('fail');
    expect(verdictFor('hold by app', { status: 'failed' }, steps)).toBe('not run');
    expect(verdictFor('refused call', { status: 'timedOut' }, new Map())).toBe('fail');
    expect(verdictFor('refused call', { status: 'passed' }, new Map())).toBe('pass');
  });

  it('gives a cell the worst verdict of its tests', () => {
    const verdict = (status: 'pass' | 'fail' | 'not run' | 'unsupported') => ({
      status,
      test: 't',
      location: 'l',
    });
    expect(cellStatus([verdict('pass'), verdict('fail')])).toBe('fail');
    expect(cellStatus([verdict('pass'), verdict('not run')])).toBe('not run');
    expect(cellStatus([verdict('unsupported')])).toBe('unsupported');
  });

  it('writes a row per peer and a column per feature, with failures and their traces listed', () => {
    const report: MatrixReport = {
      generated: '2026-12-06T00:00:00.000Z',
      cells: [
        { peer: 'linphone', feature: 'connect', direction: 'app calls', status: 'pass', verdicts: [] },
        {
          peer: 'linphone',
          feature: 'DTMF',
          direction: 'peer calls',
          status: 'fail',
          verdicts: [
            { status: 'fail', test: 'a call', location: 'x.spec.ts:1', error: 'boom', trace: 'traces/t.txt' },
          ],
        },
        {
          peer: 'sipp',
          feature: 'DTMF',
          direction: 'app calls',
          status: 'unsupported',
          verdicts: [{ status: 'unsupported', test: 't', location: 'l', reason: 'no decoder' }],
        },
      ],
    };
    const markdown = matrixMarkdown(report, 'out');
    expect(markdown).toContain('| peer | connect | DTMF |');
    expect(markdown).toContain('| linphone | pass (app calls) | **FAIL** (peer calls) |');
    expect(markdown).toContain('| sipp |  | n/a (app calls) |');
    expect(markdown).toContain('[SIP trace](traces/t.txt)');
    expect(markdown).toContain('- sipp / DTMF / app calls: no decoder');
  });
});
