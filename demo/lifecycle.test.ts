import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { createLifecycle, Stopped, waitFor, type SignalSource } from './lifecycle.js';

function harness() {
  const signals = new EventEmitter();
  const lifecycle = createLifecycle(signals satisfies SignalSource);
  const undone: string[] = [];
  const start = (name: string, during?: () => void) =>
    lifecycle.step(
      async () => {
        during?.();
        return name;
      },
      async (started) => void undone.push(started),
    );
  return { signals, lifecycle, undone, start };
}

describe("the demo's own process handling", () => {
  it('undoes what it started, last first, and goes on after a failure', async () => {
    const { lifecycle, undone, start } = harness();
    await start('stack');
    await lifecycle.step(
      async () => 'phones',
      async () => {
        throw new Error('phones would not stop');
      },
    );
    await start('app');
    const reported: unknown[] = [];
    await lifecycle.teardown((error) => reported.push(error));
    expect(undone).toEqual(['app', 'stack']);
    expect(reported).toEqual([new Error('phones would not stop')]);
  });

  it('ends the start at Ctrl+C, and undoes also the step it came in', async () => {
    const { signals, lifecycle, undone, start } = harness();
    await start('stack');
    await expect(start('app', () => signals.emit('SIGINT'))).rejects.toBeInstanceOf(Stopped);
    await expect(start('control')).rejects.toBeInstanceOf(Stopped);
    await lifecycle.stopRequested;
    await lifecycle.teardown(() => undefined);
    expect(undone).toEqual(['app', 'stack']);
  });

  it('stops waiting at once when stopped, and gives up after its time', async () => {
    const { signals, lifecycle } = harness();
    await expect(waitFor(lifecycle, 'Nothing', async () => false, 300)).rejects.toThrow(
      'Nothing did not happen within 0.3 s',
    );
    signals.emit('SIGTERM');
    await expect(waitFor(lifecycle, 'Nothing', async () => false, 60_000)).rejects.toBeInstanceOf(Stopped);
  });
});
