import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { quitAfterDispose, startWhenReady, type LifecycleApp } from './lifecycle.js';

/** The documented part of Electron's app: quit() emits will-quit, which may be prevented. */
class FakeApp extends EventEmitter implements LifecycleApp {
  readonly log: string[] = [];
  whenReady(): Promise<void> {
    return Promise.resolve();
  }
  quit(): void {
    let prevented = false;
    this.emit('will-quit', { preventDefault: () => (prevented = true) });
    this.log.push(prevented ? 'will-quit prevented' : 'quit');
  }
}

afterEach(() => {
  vi.useRealTimers();
});

describe('start-up', () => {
  it('sends an error thrown in start() to fail()', async () => {
    const fail = vi.fn();
    await startWhenReady(new FakeApp(), () => Promise.reject(new Error('database locked')), fail);
    expect(fail).toHaveBeenCalledWith(new Error('database locked'));
  });

  it('sends a synchronous throw as well, and nothing when start() succeeds', async () => {
    const fail = vi.fn();
    await startWhenReady(
      new FakeApp(),
      () => {
        throw new Error('sync');
      },
      fail,
    );
    expect(fail).toHaveBeenCalledTimes(1);
    const quiet = vi.fn();
    await startWhenReady(new FakeApp(), () => Promise.resolve(), quiet);
    expect(quiet).not.toHaveBeenCalled();
  });
});

describe('quitting', () => {
  it('holds the first will-quit until dispose() has finished, then quits once', async () => {
    const app = new FakeApp();
    let finishDispose!: () => void;
    const dispose = vi.fn(() => new Promise<void>((resolve) => (finishDispose = resolve)));
    quitAfterDispose(app, dispose, { onError: vi.fn() });
    app.quit();
    expect(app.log).toEqual(['will-quit prevented']);
    // A second quit (Cmd+Q pressed again) while closing does not start a second dispose.
    app.quit();
    await vi.waitFor(() => expect(dispose).toHaveBeenCalledTimes(1));
    expect(app.log).toEqual(['will-quit prevented', 'will-quit prevented']);
    finishDispose();
    await vi.waitFor(() => expect(app.log.at(-1)).toBe('quit'));
    expect(app.log).toEqual(['will-quit prevented', 'will-quit prevented', 'quit']);
  });

  it('quits after the timeout when dispose() hangs, and reports it', async () => {
    vi.useFakeTimers();
    const app = new FakeApp();
    const onError = vi.fn();
    quitAfterDispose(app, () => new Promise<void>(() => {}), { timeoutMs: 5_000, onError });
    app.quit();
    await vi.advanceTimersByTimeAsync(4_999);
    expect(app.log).toEqual(['will-quit prevented']);
    await vi.advanceTimersByTimeAsync(1);
    expect(app.log).toEqual(['will-quit prevented', 'quit']);
    expect(onError).toHaveBeenCalledWith(new Error('closing the services took longer than 5000 ms'));
  });

  it('quits when dispose() fails, and reports the failure', async () => {
    const app = new FakeApp();
    const onError = vi.fn();
    quitAfterDispose(app, () => Promise.reject(new Error('audit upload failed')), { onError });
    app.quit();
    await vi.waitFor(() => expect(app.log.at(-1)).toBe('quit'));
    expect(onError).toHaveBeenCalledWith(new Error('audit upload failed'));
  });
});
