// The phone store (PhoneControls) reads the bridge global the renderer declares.
import type {} from '../../renderer/softphone';
import { vi } from 'vitest';
import { newCallView } from '../../renderer/phone/call-view';
import type { CallStartResult, CallView } from '../../renderer/phone/engine';
import type { PhoneControls } from '../../renderer/state/phone-store';

/**
 * A stand-in for the phone engine's controls, for screen and store tests: every control is a spy, and
 * `call` answers like the engine (a started call, or why not). Typed against the engine's own API.
 */
export function phoneDouble() {
  return {
    domain: 'example.eu',
    call: vi.fn(async (_uri: string): Promise<CallStartResult> => ({ ok: true, id: 'call-1' })),
    answer: vi.fn(async (_id: string) => true),
    decline: vi.fn((_id: string, _busy?: boolean) => undefined),
    hangup: vi.fn((_id: string) => undefined),
    setMuted: vi.fn((_id: string, _muted: boolean) => undefined),
    setHold: vi.fn((_id: string, _hold: boolean) => undefined),
    sendDtmf: vi.fn((_id: string, _tones: string) => undefined),
    transfer: vi.fn((_id: string, _target: string) => undefined),
    completeTransfer: vi.fn((_id: string, _consultationId: string) => undefined),
    merge: vi.fn(async (_first: string, _second: string) => undefined),
    compareSas: vi.fn((_id: string, _matched: boolean) => undefined),
    dismissEnded: vi.fn((_id: string) => undefined),
  } satisfies PhoneControls;
}

/** A call as the engine publishes it; `patch` sets what a test needs. */
export function callView(patch: Partial<CallView> = {}): CallView {
  return {
    ...newCallView({
      id: 'call-1',
      direction: 'incoming',
      remoteUri: 'sip:+491701234567@sip.provider.example',
      remoteName: 'Erika Mustermann',
      state: 'incoming',
      startedAt: 0,
    }),
    ...patch,
  };
}
