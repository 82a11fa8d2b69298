import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ControlCommand } from './args.js';
import { announce, answers, readAnnouncement, sendControl, serveControl, withdraw } from './control.js';

let dir: string;
let server: Server | null = null;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'demo-control-'));
});
afterEach(async () => {
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = null;
  await rm(dir, { recursive: true, force: true });
});

describe('talking to the running demo', () => {
  it('finds it through its announcement and gets its answer', async () => {
    const socket = join(dir, 'control.sock');
    const received: ControlCommand[] = [];
    server = await serveControl(socket, async (command) => {
      received.push(command);
      if (command.kind === 'code') throw new Error('no code today');
      return 'Clara is calling you.';
    });
    await announce(join(dir, 'state'), { pid: process.pid, runDir: dir, socket });
    expect(await sendControl(join(dir, 'state'), { kind: 'call-me' })).toEqual({
      ok: true,
      message: 'Clara is calling you.',
    });
    expect(await sendControl(join(dir, 'state'), { kind: 'code' })).toEqual({
      ok: false,
      message: 'no code today',
    });
    expect(received).toEqual([{ kind: 'call-me' }, { kind: 'code' }]);
    expect(await answers((await readAnnouncement(join(dir, 'state')))!)).toBe(true);
    await withdraw(join(dir, 'state'), socket);
    expect(await readAnnouncement(join(dir, 'state'))).toBeNull();
  });

  it('says so when no demo runs, or the one announced is gone', async () => {
    expect(await sendControl(dir, { kind: 'call-me' })).toEqual({
      ok: false,
      message: 'No demo is running here: start one with `npm run demo`.',
    });
    await announce(dir, { pid: 1, runDir: dir, socket: join(dir, 'gone.sock') });
    expect(await sendControl(dir, { kind: 'call-me' })).toMatchObject({
      ok: false,
      message: expect.stringContaining('does not answer (it may have crashed)'),
    });
  });

  it("leaves another demo's announcement alone, and ignores a damaged one", async () => {
    await announce(dir, { pid: 1, runDir: dir, socket: join(dir, 'other.sock') });
    expect(await answers((await readAnnouncement(dir))!)).toBe(false);
    await withdraw(dir, join(dir, 'mine.sock'));
    expect(await readAnnouncement(dir)).toMatchObject({ pid: 1 });
    await writeFile(join(dir, 'demo.json'), '{"pid": "one"}');
    expect(await readAnnouncement(dir)).toBeNull();
    await writeFile(join(dir, 'demo.json'), '{"pid": 1, "runDi');
    expect(await readAnnouncement(dir)).toBeNull();
  });
});
