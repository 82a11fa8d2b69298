import { describe, expect, it, vi } from 'vitest';
import { FakeSession } from '../../testing/phone/fake-sip';
import { dtmfOptions, referOptions, rejectOptions } from './sip-adapter';

describe('the JsSIP adapter', () => {
  it('maps DTMF, refusals and transfers onto JsSIP options', () => {
    expect(dtmfOptions('rfc4733')).toEqual({ transportType: 'RFC2833', duration: 120, interToneGap: 80 });
    expect(dtmfOptions('info').transportType).toBe('INFO');
    expect(rejectOptions(488)).toEqual({
      status_code: 488,
      reason_phrase: 'Not Acceptable Here',
      extraHeaders: [],
    });
    expect(rejectOptions(420, ['Unsupported: 100rel'])).toMatchObject({
      extraHeaders: ['Unsupported: 100rel'],
    });
    const failed = vi.fn();
    const accepted = vi.fn();
    const consultation = new FakeSession('outgoing');
    const blind = referOptions({ failed, accepted });
    expect(blind).not.toHaveProperty('replaces');
    expect(blind.eventHandlers).toEqual({ requestFailed: failed, failed, accepted });
    expect(referOptions({ failed, accepted }, consultation).replaces).toBe(consultation);
  });
});
