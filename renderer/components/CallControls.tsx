import { forwardRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { CallView } from '../phone/engine';
import { useCallPanelStore } from '../state/call-panel-store';
import { useShortcut } from './use-shortcut';
import { usePhoneStore } from '../state/phone-store';
import { Icon } from './Icon';
import { IconButton } from './IconButton';
import { useCallParty } from './use-call-party';

/** Answer, Decline and Busy for a ringing call; Answer takes the focus when the call comes in. */
export const RingingControls = forwardRef<HTMLButtonElement, { view: CallView; compact?: boolean }>(
  function RingingControls({ view, compact = false }, answerRef) {
    const { t } = useTranslation();
    const shortcut = useShortcut();
    const engine = usePhoneStore((s) => s.engine)();
    const answer = shortcut('answer');
    const decline = shortcut('decline');
    if (compact)
      return (
        <div className="call-row-actions">
          <IconButton
            ref={answerRef}
            icon="phone"
            variant="call"
            size="small"
            label={t('call.answer')}
            shortcut={answer}
            onClick={() => void engine.answer(view.id)}
          />
          <IconButton
            icon="hangup"
            variant="danger"
            size="small"
            label={t('call.decline')}
            shortcut={decline}
            onClick={() => engine.decline(view.id)}
          />
        </div>
      );
    return (
      <div className="call-controls call-controls-ringing">
        <button
          ref={answerRef}
          type="button"
          className="button button-call"
          aria-keyshortcuts={answer.aria}
          title={`${t('call.answer')} (${answer.label})`}
          onClick={() => void engine.answer(view.id)}
        >
          <Icon name="phone" />
          {t('call.answer')}
        </button>
        <button
          type="button"
          className="button button-danger"
          aria-keyshortcuts={decline.aria}
          title={`${t('call.decline')} (${decline.label})`}
          onClick={() => engine.decline(view.id)}
        >
          <Icon name="hangup" />
          {t('call.decline')}
        </button>
        <button type="button" className="link-button call-busy" onClick={() => engine.decline(view.id, true)}>
          {t('call.busy')}
        </button>
      </div>
    );
  },
);

/** The controls of the call being talked on: toggles, panes, and Hang up, which never scrolls away. */
export function CallControls({ view, others }: { view: CallView; others: CallView[] }) {
  const { t } = useTranslation();
  const shortcut = useShortcut();
  const engine = usePhoneStore((s) => s.engine)();
  const pane = useCallPanelStore((s) => (s.pane?.callId === view.id ? s.pane.pane : null));
  const toggle = useCallPanelStore((s) => s.toggle);
  const active = view.state === 'active';
  const mergeWith = others.find((other) => other.state === 'active' && !view.conference && !other.conference);
  return (
    <div className="call-controls">
      {active && (
        <div className="call-toggles">
          <IconButton
            icon={view.muted ? 'micOff' : 'mic'}
            label={t('call.mute')}
            pressed={view.muted}
            shortcut={shortcut('mute')}
            onClick={() => engine.setMuted(view.id, !view.muted)}
          />
          {!view.conference && (
            <IconButton
              icon="hold"
              label={t('call.hold')}
              pressed={view.heldLocally}
              shortcut={shortcut('hold')}
              onClick={() => engine.setHold(view.id, !view.heldLocally)}
            />
          )}
          <IconButton
            icon="keypad"
            label={t('call.keypad')}
            aria-expanded={pane === 'keypad'}
            shortcut={shortcut('keypad')}
            onClick={() => toggle(view.id, 'keypad')}
          />
          {!view.conference && (
            <IconButton
              icon="transfer"
              label={t('call.transfer')}
              aria-expanded={pane === 'transfer'}
              onClick={() => toggle(view.id, 'transfer')}
            />
          )}
          {mergeWith && (
            <MergeButton other={mergeWith} onMerge={() => void engine.merge(view.id, mergeWith.id)} />
          )}
        </div>
      )}
      <button
        type="button"
        className="button button-danger call-hangup"
        aria-keyshortcuts={shortcut('hangup').aria}
        title={`${t('call.hangup')} (${shortcut('hangup').label})`}
        onClick={() => engine.hangup(view.id)}
      >
        <Icon name="hangup" />
        {t('call.hangup')}
      </button>
    </div>
  );
}

function MergeButton({ other, onMerge }: { other: CallView; onMerge(): void }) {
  const { t } = useTranslation();
  const { title } = useCallParty(other);
  return <IconButton icon="merge" label={t('call.merge', { who: title })} onClick={onMerge} />;
}
