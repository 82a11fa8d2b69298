import { describe, expect, it } from 'vitest';
import { parseDemoArgs } from './args.js';

describe('npm run demo options', () => {
  it('starts the demo without options, and takes the locale and devtools with it', () => {
    expect(parseDemoArgs([])).toEqual({
      ok: true,
      command: { kind: 'start', locale: null, devtools: false },
      stateDir: null,
    });
    expect(parseDemoArgs(['--', '--locale', 'de-DE', '--devtools', '--state-dir', '/tmp/s'])).toEqual({
      ok: true,
      command: { kind: 'start', locale: 'de-DE', devtools: true },
      stateDir: '/tmp/s',
    });
  });

  it('tells a running demo one thing', () => {
    expect(parseDemoArgs(['--call-me'])).toMatchObject({ ok: true, command: { kind: 'call-me' } });
    expect(parseDemoArgs(['--incident', ' Calls fail '])).toMatchObject({
      command: { kind: 'incident', title: 'Calls fail' },
    });
    expect(parseDemoArgs(['--all-clear'])).toMatchObject({ command: { kind: 'all-clear' } });
    expect(parseDemoArgs(['--code'])).toMatchObject({ command: { kind: 'code' } });
    expect(parseDemoArgs(['--screenshot', 'app.png'])).toMatchObject({
      command: { kind: 'screenshot', path: 'app.png' },
    });
    expect(parseDemoArgs(['--help'])).toMatchObject({ command: { kind: 'help' } });
  });

  it('refuses what makes no sense, saying why', () => {
    expect(parseDemoArgs(['--call-me', '--code'])).toEqual({
      ok: false,
      error: 'one thing at a time: choose one of the options',
    });
    expect(parseDemoArgs(['--call-me', '--devtools'])).toMatchObject({ ok: false });
    expect(parseDemoArgs(['--incident', ' '])).toMatchObject({
      ok: false,
      error: expect.stringContaining('title'),
    });
    expect(parseDemoArgs(['--incident', 'x'.repeat(301)])).toMatchObject({ ok: false });
    expect(parseDemoArgs(['--locale', 'German'])).toMatchObject({
      ok: false,
      error: expect.stringContaining('de-DE'),
    });
    expect(parseDemoArgs(['--call-me-maybe'])).toMatchObject({
      ok: false,
      error: expect.stringContaining('--call-me-maybe'),
    });
    expect(parseDemoArgs(['call-me'])).toMatchObject({ ok: false });
  });
});
