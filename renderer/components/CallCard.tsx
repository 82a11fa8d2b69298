import { useEffect, type Ref } from 'react';
import { useTranslation } from 'react-i18next';
import type { CallView } from '../phone/engine';
import { useCallPanelStore } from '../state/call-panel-store';
import { usePhoneStore } from '../state/phone-store';
import { useCallStateText, useElapsed } from './call-state-text';
import { CallControls, RingingControls } from './CallControls';
import { CallRouting } from './CallRouting';
import { SasComparison, SecurityBadge, SecurityDetails } from './CallSecurity';
import { DialPad } from './DialPad';
import { Icon } from './Icon';
import { MediaWarning } from './MediaWarning';
import { TransferPanel } from './TransferPanel';
import { useCallParty } from './use-call-party';

function QualityIndicator({ view }: { view: CallView }) {
  const { t } = useTranslation();
  if (!view.quality) return null;
  return (
    <span className={`call-quality quality-${view.quality.level}`}>
      <span className="quality-bars" aria-hidden="true">
        <span />
        <span />
        <span />
      </span>
      <span>{t(`call.quality.${view.quality.level}`)}</span>
    </span>
  );
}

/** What the call says besides its state: microphone trouble, a transfer under way, tones from the far end. */
function CallNotices({ view }: { view: CallView }) {
  const { t } = useTranslation();
  return (
    <>
      {view.microphoneProblem && (
        <p className="feedback feedback-error" role="alert">
          {t(`call.problems.${view.microphoneProblem}`)}
        </p>
      )}
      {view.transfer && (
        <p
          className={view.transfer === 'failed' ? 'feedback feedback-error' : 'feedback feedback-status'}
          role={view.transfer === 'failed' ? 'alert' : 'status'}
        >
          {t(`call.transferState.${view.transfer}`)}
        </p>
      )}
      {view.dtmfReceived && (
        <p className="hint">{t('call.dtmfReceived', { tones: view.dtmfReceived.split('').join(' ') })}</p>
      )}
    </>
  );
}

/** The keypad of a call: its tones go to the far end; what was sent stays readable above it. */
function KeypadPane({ view }: { view: CallView }) {
  const { t } = useTranslation();
  const engine = usePhoneStore((s) => s.engine)();
  const sent = useCallPanelStore((s) => s.sentTones[view.id] ?? '');
  const addSent = useCallPanelStore((s) => s.addSentTone);
  // Digits typed anywhere (outside a text field) are sent too, as on a desk phone.
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.ctrlKey || event.metaKey || event.altKey || !/^[0-9*#]$/.test(event.key)) return;
      if (event.target instanceof HTMLElement && event.target.closest('input, textarea, select')) return;
      event.preventDefault();
      engine.sendDtmf(view.id, event.key);
      addSent(view.id, event.key);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [engine, view.id, addSent]);
  return (
    <div className="call-keypad">
      <p className="call-keypad-sent" aria-live="polite">
        {sent && t('call.tonesSent', { tones: sent })}
      </p>
      <DialPad
        compact
        onKey={(key) => {
          engine.sendDtmf(view.id, key);
          addSent(view.id, key);
        }}
      />
    </div>
  );
}

/**
 * The call shown in full: who, state and time, security claim and code at the top; the keypad, the
 * transfer form or the details in the middle; the controls at the bottom. Top and bottom never scroll.
 */
export function CallCard({
  view,
  others,
  answerRef,
}: {
  view: CallView;
  others: CallView[];
  answerRef?: Ref<HTMLButtonElement>;
}) {
  const { t } = useTranslation();
  const party = useCallParty(view);
  const state = useCallStateText(view);
  const elapsed = useElapsed(view.answeredAt);
  const pane = useCallPanelStore((s) => (s.pane?.callId === view.id ? s.pane.pane : null));
  const active = view.state === 'active';

  return (
    <section className={`call-card call-${view.state}`} aria-label={t('call.with', { who: party.title })}>
      <header className="call-head">
        <span className="call-avatar" aria-hidden="true">
          <Icon name="person" size={32} />
        </span>
        <p className="call-who">{party.title}</p>
        {party.address && <p className="call-address">{party.address}</p>}
        <p className="call-state">
          <span role="status">{state}</span>
          {elapsed && <span className="call-timer"> · {elapsed}</span>}
          {active && !view.mediaWarning && <QualityIndicator view={view} />}
        </p>
        <SecurityBadge view={view} />
      </header>
      <div className="call-body">
        {active && <MediaWarning view={view} />}
        <CallRouting view={view} />
        <CallNotices view={view} />
        {active && pane === 'keypad' && <KeypadPane view={view} />}
        {active && pane === 'transfer' && !view.conference && <TransferPanel view={view} />}
        {pane === 'details' && <SecurityDetails view={view} />}
        {pane !== 'keypad' && pane !== 'transfer' && (
          <>
            <SasComparison view={view} />
            {active && view.microphoneLabel && (
              <p className="hint">{t('call.microphone', { name: view.microphoneLabel })}</p>
            )}
          </>
        )}
      </div>
      {view.state === 'incoming' ? (
        <RingingControls ref={answerRef} view={view} />
      ) : (
        <CallControls view={view} others={others} />
      )}
    </section>
  );
}
