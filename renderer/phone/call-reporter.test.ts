import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CallEvent } from '../../shared/domain/calls';
import { createCallReporter } from './call-reporter';

const event = (type: 'ringing' | 'answered', callId = 'call-1'): CallEvent => ({ type, callId, at: 1 });

describe('call reports', () => {
  let sent: CallEvent[];
  let settingUp: boolean;
  let idle: (() => void)[];
  let report: (event: CallEvent) => void;

  beforeEach(() => {
    vi.useFakeTimers();
    sent = [];
    settingUp = false;
    idle = [];
    report = createCallReporter({
      send: (e) => sent.push(e),
      settingUp: () => settingUp,
      whenIdle: (task) => idle.push(task),
    });
  });
  afterEach(() => vi.useRealTimers());

  it('wait while a call is being set up, then go in order once the renderer is idle', () => {
    settingUp = true;
    report(event('ringing'));
    expect(idle).toHaveLength(0);
    settingUp = false;
    report(event('answered'));
    expect(sent).toEqual([]);
    idle.shift()!();
    expect(sent).toEqual([event('ringing'), event('answered')]);
    // Nothing is sent twice when the deadline passes afterwards.
    vi.advanceTimersByTime(5000);
    expect(sent).toHaveLength(2);
  });

  it('go at most two seconds after the first, also while a call still rings', () => {
    settingUp = true;
    report(event('ringing', 'long'));
    vi.advanceTimersByTime(1999);
    expect(sent).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(sent).toEqual([event('ringing', 'long')]);
  });

  it('ask for one idle turn at a time', () => {
    report(event('ringing'));
    report(event('answered'));
    expect(idle).toHaveLength(1);
    idle.shift()!();
    report(event('ringing', 'call-2'));
    expect(idle).toHaveLength(1);
  });
});
