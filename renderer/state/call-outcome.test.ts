import { describe, expect, it } from 'vitest';
import { failureOf } from './call-outcome';

describe('failureOf', () => {
  const outgoing = { direction: 'outgoing', answeredAt: null } as const;

  it('names why an outgoing call failed before an answer', () => {
    expect(failureOf({ ...outgoing, endReason: 'busy' })).toBe('busy');
    expect(failureOf({ ...outgoing, endReason: 'not-found' })).toBe('not-found');
  });

  it('is null for ordinary ends, answered calls and incoming calls', () => {
    expect(failureOf({ ...outgoing, endReason: 'cancelled' })).toBeNull();
    expect(failureOf({ ...outgoing, endReason: null })).toBeNull();
    expect(failureOf({ ...outgoing, answeredAt: 5, endReason: 'no-audio' })).toBeNull();
    expect(failureOf({ direction: 'incoming', answeredAt: null, endReason: 'network' })).toBeNull();
  });
});
