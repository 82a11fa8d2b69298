import { useEffect, useRef, type Ref } from 'react';
import { useTranslation } from 'react-i18next';
import type { CallView } from '../phone/engine';
import { primaryCall, useCallPanelStore } from '../state/call-panel-store';
import { usePhoneStore } from '../state/phone-store';
import { CallCard } from './CallCard';
import { CallEndNotices } from './CallEndNotice';
import { useIncomingCallNotifications } from './incoming-call-notifications';
import { OtherCall } from './OtherCall';

/**
 * A ringing call takes the focus to its Answer button as it comes in (once per call), so that Enter
 * answers it; the call announces itself separately (CallAnnouncer).
 */
function useFocusOnAnswer(ringing: CallView[]) {
  const answer = useRef<HTMLButtonElement>(null);
  const focused = useRef(new Set<string>());
  // The newest ringing call gets the focus.
  const target = ringing.at(-1)?.id ?? null;
  useEffect(() => {
    if (!target || focused.current.has(target)) return;
    focused.current.add(target);
    answer.current?.focus();
  }, [target]);
  return { answer, target };
}

/** A call while the app is locked: no caller, no number; a ringing call can be answered or declined. */
function LockedCallCard({ view, answerRef }: { view: CallView; answerRef: Ref<HTMLButtonElement> | null }) {
  const { t } = useTranslation();
  const engine = usePhoneStore((s) => s.engine)();
  const incoming = view.state === 'incoming';
  const label = incoming ? t('lock.incomingCall') : t('lock.callInProgress');
  return (
    <section className={`call-card call-${view.state}`} aria-label={label}>
      <p className="call-who">{label}</p>
      <div className="button-row">
        {incoming ? (
          <>
            <button
              ref={answerRef}
              type="button"
              className="button button-call"
              onClick={() => void engine.answer(view.id)}
            >
              {t('call.answer')}
            </button>
            <button type="button" className="button button-danger" onClick={() => engine.decline(view.id)}>
              {t('call.decline')}
            </button>
          </>
        ) : (
          <button type="button" className="button button-danger" onClick={() => engine.hangup(view.id)}>
            {t('call.hangup')}
          </button>
        )}
      </div>
    </section>
  );
}

/**
 * The call panel: every call in progress, ringing and waiting ones included, beside whatever screen is
 * open (it never scrolls with the page). One call is shown in full; the others above it in a line each.
 */
export function CallDock({ hideCaller = false }: { hideCaller?: boolean }) {
  const { t } = useTranslation();
  const calls = usePhoneStore((s) => s.calls).filter((view) => view.state !== 'ended');
  const ended = usePhoneStore((s) => s.ended);
  const engine = usePhoneStore((s) => s.engine);
  const selectedId = useCallPanelStore((s) => s.selectedId);
  const select = useCallPanelStore((s) => s.select);
  useIncomingCallNotifications(calls, hideCaller);
  const { answer: answerRef, target: focusTarget } = useFocusOnAnswer(
    calls.filter((view) => view.state === 'incoming'),
  );

  // A new call is shown by its state, not hidden behind one chosen earlier.
  const ids = calls.map((view) => view.id).join(' ');
  useEffect(() => {
    select(null);
  }, [ids, select]);

  if (calls.length === 0 && ended.length === 0) return null;
  // Why a call ended (busy, not found, no audio…), until closed or for a few seconds.
  const notices = (
    <CallEndNotices ended={ended} onDismiss={(id) => engine().dismissEnded(id)} hideCaller={hideCaller} />
  );
  if (hideCaller)
    return (
      <aside className="call-dock-locked" aria-label={t('call.dock')}>
        {notices}
        {calls.map((view) => (
          <LockedCallCard key={view.id} view={view} answerRef={view.id === focusTarget ? answerRef : null} />
        ))}
      </aside>
    );

  const primary = primaryCall(calls, selectedId);
  const others = calls.filter((view) => view.id !== primary?.id);
  return (
    <aside className="call-panel" aria-label={t('call.dock')}>
      {ended.length > 0 && <div className="call-end-notices">{notices}</div>}
      {primary && others.length > 0 && (
        <div className="call-others">
          {others.map((view) => (
            <OtherCall
              key={view.id}
              view={view}
              primary={primary}
              answerRef={view.id === focusTarget ? answerRef : undefined}
            />
          ))}
        </div>
      )}
      {primary && (
        <CallCard
          key={primary.id}
          view={primary}
          others={others}
          answerRef={primary.id === focusTarget ? answerRef : undefined}
        />
      )}
    </aside>
  );
}
