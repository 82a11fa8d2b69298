import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createSetupHold, SETUP_HOLD_MAX_MS } from './setup-hold';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

function recording() {
  const published: number[] = [];
  return { published, hold: createSetupHold<number>((update) => published.push(update)) };
}

describe('the setup hold', () => {
  it('passes updates on at once while nothing is held', () => {
    const { published, hold } = recording();
    hold.publish(1);
    hold.publish(2);
    expect(published).toEqual([1, 2]);
  });

  it('passes the held updates on in order once every hold is released', () => {
    const { published, hold } = recording();
    const first = hold.hold();
    const second = hold.hold();
    hold.publish(1);
    hold.publish(2);
    first();
    first();
    expect(published).toEqual([]);
    second();
    expect(published).toEqual([1, 2]);
    hold.publish(3);
    expect(published).toEqual([1, 2, 3]);
  });

  it('passes them on after the longest wait, and a late release then holds nothing back', () => {
    const { published, hold } = recording();
    const late = hold.hold();
    hold.publish(1);
    vi.advanceTimersByTime(SETUP_HOLD_MAX_MS - 1);
    expect(published).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(published).toEqual([1]);
    const next = hold.hold();
    late();
    hold.publish(2);
    expect(published).toEqual([1]);
    next();
    expect(published).toEqual([1, 2]);
    expect(vi.getTimerCount()).toBe(0);
  });
});
