import { act, cleanup, render, screen } from '@testing-library/react';
import { Profiler, useEffect } from 'react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import '../i18n/i18n';
import { applyLanguage } from '../i18n/i18n';
import { newCallView } from '../phone/call-view';
import type { CallView } from '../phone/engine';
import { usePhoneStore, type DialResult } from '../state/phone-store';
import { useDialFeedback, type DialFeedback } from './dial-feedback';

const ID = 'call-7';

function outgoing(state: CallView['state'], endReason: CallView['endReason'] = null): CallView {
  return {
    ...newCallView({
      id: ID,
      direction: 'outgoing',
      remoteUri: 'sip:bob@example.eu',
      remoteName: null,
      state,
      startedAt: 0,
    }),
    endReason,
  };
}

let renders = 0;
let feedback: DialFeedback | null = null;
function Place() {
  const dialing = useDialFeedback();
  useEffect(() => {
    feedback = dialing;
  });
  return <p role="status">{dialing.messageFor('field')?.text ?? ''}</p>;
}
function Counted() {
  return (
    <Profiler id="place" onRender={() => (renders += 1)}>
      <Place />
    </Profiler>
  );
}

const message = () => screen.getByRole('status').textContent;
const placed = { ok: true, id: ID, label: 'Bob' } satisfies DialResult;

beforeEach(() => {
  applyLanguage('en');
  renders = 0;
  usePhoneStore.setState({ calls: [], failed: [], dial: async () => placed });
});
afterEach(cleanup);

describe('the feedback of a press of Call', () => {
  it('draws nothing while the call is placed, and says where it was pressed how it failed', async () => {
    render(<Counted />);
    const before = renders;
    await act(() => feedback!.dial('field', 'bob'));
    expect(renders).toBe(before);
    act(() => usePhoneStore.setState({ calls: [outgoing('dialing')] }));
    expect(message()).toBe('');
    act(() => usePhoneStore.setState({ calls: [], failed: [outgoing('ended', 'busy')] }));
    expect(message()).toMatch(/busy/i);
  });

  it('says why a press did not start a call, and clears it at the next press', async () => {
    usePhoneStore.setState({ dial: async () => ({ ok: false, problem: 'not-registered', label: null }) });
    render(<Counted />);
    await act(() => feedback!.dial('field', 'bob'));
    expect(message()).not.toBe('');
    act(() => usePhoneStore.setState({ dial: async () => placed }));
    await act(() => feedback!.dial('field', 'bob'));
    expect(message()).toBe('');
  });
});
