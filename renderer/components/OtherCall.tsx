import type { Ref } from 'react';
import { useTranslation } from 'react-i18next';
import type { CallView } from '../phone/engine';
import { useCallPanelStore } from '../state/call-panel-store';
import { usePhoneStore } from '../state/phone-store';
import { useCallStateText, useElapsed } from './call-state-text';
import { RingingControls } from './CallControls';
import { IconButton } from './IconButton';
import { useCallParty } from './use-call-party';

/**
 * A call besides the one shown in full: waiting (ringing while another call is on), on hold, or the other
 * leg of a conference or a transfer. Its main actions are here; choosing its name shows it in full.
 */
export function OtherCall({
  view,
  primary,
  answerRef,
}: {
  view: CallView;
  primary: CallView;
  answerRef?: Ref<HTMLButtonElement>;
}) {
  const { t } = useTranslation();
  const engine = usePhoneStore((s) => s.engine)();
  const select = useCallPanelStore((s) => s.select);
  const consulting = useCallPanelStore((s) => s.pane?.callId === view.id && s.pane.pane === 'transfer');
  const party = useCallParty(view);
  const primaryParty = useCallParty(primary);
  const state = useCallStateText(view);
  const elapsed = useElapsed(view.answeredAt);
  const canCompleteTransfer = consulting && primary.state === 'active' && !view.conference;
  return (
    // Named with its state too: the same person may be on two calls (landmarks need unique names).
    <section
      className={`call-row call-${view.state}`}
      aria-label={t('call.withState', { who: party.title, state })}
    >
      <div className="call-row-main">
        <button type="button" className="call-row-name" onClick={() => select(view.id)}>
          {party.title}
        </button>
        <p className="call-row-state">
          <span role="status">{state}</span>
          {elapsed && <span className="call-timer"> · {elapsed}</span>}
        </p>
      </div>
      {view.state === 'incoming' ? (
        <RingingControls ref={answerRef} view={view} compact />
      ) : (
        <div className="call-row-actions">
          {canCompleteTransfer && (
            <IconButton
              icon="transfer"
              size="small"
              label={t('call.transferTo', { who: primaryParty.title })}
              onClick={() => engine.completeTransfer(view.id, primary.id)}
            />
          )}
          {view.state === 'active' &&
            (view.conference ? (
              <IconButton
                icon={view.muted ? 'micOff' : 'mic'}
                size="small"
                label={t('call.mute')}
                pressed={view.muted}
                onClick={() => engine.setMuted(view.id, !view.muted)}
              />
            ) : (
              <IconButton
                icon="hold"
                size="small"
                label={t('call.hold')}
                pressed={view.heldLocally}
                onClick={() => {
                  // Resuming this call holds the other one (swap) and shows this one in full.
                  if (view.heldLocally) select(null);
                  engine.setHold(view.id, !view.heldLocally);
                }}
              />
            ))}
          <IconButton
            icon="hangup"
            variant="danger"
            size="small"
            label={t('call.hangup')}
            onClick={() => engine.hangup(view.id)}
          />
        </div>
      )}
    </section>
  );
}
