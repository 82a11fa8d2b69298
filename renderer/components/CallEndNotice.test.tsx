import { cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { endReasons } from '../../shared/domain/calls';
import { applyLanguage } from '../i18n/i18n';
import { newCallView, type CallView } from '../phone/call-view';
import { CallEndNotices } from './CallEndNotice';
import { MediaWarning } from './MediaWarning';

const ended = (id: string, endReason: CallView['endReason']): CallView => ({
  ...newCallView({
    id,
    direction: 'outgoing',
    remoteUri: 'sip:+4930123456@softphone.test',
    remoteName: id === 'named' ? 'Erika Mustermann' : null,
    state: 'ended',
    startedAt: 0,
  }),
  endReason,
});

const dismissEnded = vi.fn();

beforeEach(async () => {
  await applyLanguage('en');
  dismissEnded.mockClear();
});
afterEach(() => {
  cleanup();
});

describe('the notice of why a call ended', () => {
  it('names the call and says why, in words, until it is closed', async () => {
    render(
      <CallEndNotices
        ended={[ended('named', 'busy'), ended('plain', 'sdes-only')]}
        onDismiss={dismissEnded}
      />,
    );
    const alerts = screen.getAllByRole('alert');
    expect(alerts[0]!.textContent).toBe('Call with Erika Mustermann ended The line is busy.Close');
    expect(alerts[1]!.textContent).toContain('Call with +4930123456@softphone.test ended');
    expect(alerts[1]!.textContent).toContain('This call offers an encryption the app does not accept');
    await userEvent.setup().click(screen.getAllByRole('button', { name: 'Close' })[0]!);
    expect(dismissEnded).toHaveBeenCalledWith('named');
  });

  it('names nobody while the app is locked', () => {
    render(<CallEndNotices ended={[ended('named', 'no-audio')]} onDismiss={dismissEnded} hideCaller />);
    expect(screen.getByRole('alert').textContent).not.toContain('Erika');
    expect(screen.getByRole('alert').textContent).toContain('A call ended');
  });

  it('has words for every reason, in English and German', async () => {
    for (const language of ['en', 'de'] as const) {
      await applyLanguage(language);
      render(
        <CallEndNotices ended={endReasons.map((reason) => ended(reason, reason))} onDismiss={dismissEnded} />,
      );
      const texts = screen.getAllByRole('alert').map((alert) => alert.textContent ?? '');
      for (const [index, reason] of endReasons.entries())
        expect(texts[index], reason).not.toContain('call.endReason');
      expect(new Set(texts).size).toBe(endReasons.length);
      cleanup();
    }
  });
});

describe('the media warning', () => {
  it('says there is no audio from the other side, and nothing otherwise', async () => {
    await applyLanguage('de');
    const { rerender } = render(<MediaWarning view={{ mediaWarning: 'no-audio' }} />);
    expect(screen.getByRole('alert').textContent).toBe('Kein Ton von der Gegenseite');
    rerender(<MediaWarning view={{ mediaWarning: null }} />);
    expect(screen.queryByRole('alert')).toBeNull();
  });
});
