import { act, cleanup, render, screen } from '@testing-library/react';
import { Profiler } from 'react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CallRecord } from '../../shared/domain/history';
import { useDialFeedback } from '../components/dial-feedback';
import '../i18n/i18n';
import { applyLanguage } from '../i18n/i18n';
import { newCallView } from '../phone/call-view';
import type { CallView } from '../phone/engine';
import type { Glance } from '../state/glance-store';
import { usePhoneStore } from '../state/phone-store';
import { RecentCallsCard } from './PhoneGlance';

const record = {
  id: 'call-1',
  direction: 'incoming',
  account: 'sip:alice@example.eu',
  remoteUri: 'sip:bob@example.eu',
  remoteName: 'Bob',
  startedAt: Date.UTC(2026, 11, 4, 9, 30),
  answeredAt: null,
  endedAt: null,
  durationMs: null,
  disposition: null,
  cause: null,
  dtlsState: null,
  srtpCipher: null,
  encryptionScope: null,
  sasMatched: null,
} satisfies CallRecord;

const glance: Glance = { favourites: [], recent: [record], unavailable: false };

function view(id: string, state: CallView['state']): CallView {
  return newCallView({
    id,
    direction: 'incoming',
    remoteUri: 'sip:bob@example.eu',
    remoteName: 'Bob',
    state,
    startedAt: record.startedAt,
  });
}

let renders = 0;
function Card() {
  const dialing = useDialFeedback();
  return (
    <Profiler id="recent" onRender={() => (renders += 1)}>
      <RecentCallsCard glance={glance} dialing={dialing} />
    </Profiler>
  );
}

beforeEach(() => {
  applyLanguage('en');
  renders = 0;
  usePhoneStore.setState({ calls: [view('call-1', 'incoming')] });
});
afterEach(() => {
  cleanup();
  usePhoneStore.setState({ calls: [] });
});

const meta = () => screen.getByText(/^Incoming ·/).textContent;

describe('the recent calls on the Phone screen', () => {
  it('show a call that is still on as ringing, then in progress, as the phone reports it', () => {
    render(<Card />);
    expect(meta()).toContain('· ringing ·');
    act(() => usePhoneStore.setState({ calls: [view('call-1', 'active')] }));
    expect(meta()).toContain('· in progress ·');
  });

  it('are not drawn again when another call changes', () => {
    render(<Card />);
    const before = renders;
    act(() => usePhoneStore.setState({ calls: [view('call-1', 'incoming'), view('call-2', 'dialing')] }));
    act(() => usePhoneStore.setState({ calls: [view('call-1', 'incoming'), view('call-2', 'active')] }));
    expect(renders).toBe(before);
    expect(meta()).toContain('· ringing ·');
  });
});
