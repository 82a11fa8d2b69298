import { describe, expect, it } from 'vitest';
import type { CallState } from './call-view';
import { chooseTone } from './tone-choice';

const call = (state: CallState, options: { earlyMedia?: boolean; answering?: boolean } = {}) => ({
  view: { state, earlyMedia: options.earlyMedia ?? false },
  answering: options.answering ?? false,
});

describe('the call-progress tone', () => {
  it('is silent without calls, and while calls are only connected or ending', () => {
    expect(chooseTone([])).toBeNull();
    expect(chooseTone([call('active'), call('ended'), call('dialing')])).toBeNull();
  });

  it('rings for an incoming call, and stops as soon as Answer is pressed', () => {
    expect(chooseTone([call('incoming')])).toBe('ringtone');
    expect(chooseTone([call('incoming', { answering: true })])).toBeNull();
  });

  it('plays the call-waiting tone instead while another call is connected', () => {
    expect(chooseTone([call('active'), call('incoming')])).toBe('callWaiting');
  });

  it('plays ringback while our call rings, unless the far end plays its own early media', () => {
    expect(chooseTone([call('ringing')])).toBe('ringback');
    expect(chooseTone([call('ringing', { earlyMedia: true })])).toBeNull();
    expect(chooseTone([call('ringing'), call('incoming')])).toBe('ringtone');
  });
});
