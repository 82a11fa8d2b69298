import { describe, expect, it, vi } from 'vitest';
import { enforceSingleInstance } from './single-instance.js';

function fakeApp(gotLock: boolean) {
  const listeners: Array<() => void> = [];
  return {
    app: {
      requestSingleInstanceLock: () => gotLock,
      quit: vi.fn(),
      on: vi.fn((_event: string, listener: () => void) => listeners.push(listener)),
    },
    secondStart: () => listeners.forEach((listener) => listener()),
  };
}

describe('single instance', () => {
  it('quits a second instance at once', () => {
    const { app } = fakeApp(false);
    expect(enforceSingleInstance(app, vi.fn())).toBe(false);
    expect(app.quit).toHaveBeenCalled();
  });

  it('brings the first instance forward when another one starts', () => {
    const { app, secondStart } = fakeApp(true);
    const focus = vi.fn();
    expect(enforceSingleInstance(app, focus)).toBe(true);
    expect(app.quit).not.toHaveBeenCalled();
    secondStart();
    expect(focus).toHaveBeenCalledTimes(1);
  });
});
