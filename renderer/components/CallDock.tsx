import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { call as callMain, subscribe } from '../ipc/client';
import { regionName } from '../i18n/region-name';
import { parseDialInput, targetUri } from '../phone/dial-target';
import type { CallView } from '../phone/engine';
import { securityClaim } from '../phone/security-claim';
import { useAppStore } from '../state/app-store';
import { contactNameFor, useContactName } from '../state/contacts-store';
import { usePhoneStore } from '../state/phone-store';
import { CallEndNotices } from './CallEndNotice';
import { CallRouting } from './CallRouting';
import { DialPad } from './DialPad';
import { Feedback, type FeedbackMessage } from './Feedback';
import { Icon } from './Icon';
import { MediaWarning } from './MediaWarning';

function useElapsed(since: number | null): string {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (since === null) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [since]);
  if (since === null) return '';
  const seconds = Math.max(0, Math.floor((now - since) / 1000));
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${Math.floor(seconds / 3600) > 0 ? `${Math.floor(seconds / 3600)}:` : ''}${pad(Math.floor(seconds / 60) % 60)}:${pad(seconds % 60)}`;
}

export function callerName(view: CallView): string {
  return view.remoteName ?? view.remoteUri.replace(/^sips?:/, '').replace(/;.*$/, '');
}

/** Transfer: to a typed number at once (blind), after consulting it first, or to the other call (attended). */
function TransferPanel({ view, others }: { view: CallView; others: CallView[] }) {
  const { t } = useTranslation();
  const engine = usePhoneStore((s) => s.engine)();
  const country = useAppStore((s) => s.settings?.settings.defaultCountry ?? 'DE');
  const [target, setTarget] = useState('');
  const [feedback, setFeedback] = useState<FeedbackMessage>(null);
  const feedbackId = `transfer-feedback-${view.id}`;

  const parsedTarget = () => {
    const parsed = parseDialInput(target, country);
    if (parsed.ok) return targetUri(parsed.target, engine.domain);
    setFeedback({ kind: 'error', text: t(`phone.errors.${parsed.error}`, { country: regionName(country) }) });
    return null;
  };
  const blind = (event: FormEvent) => {
    event.preventDefault();
    const uri = parsedTarget();
    if (uri) engine.transfer(view.id, uri);
  };
  const consult = () => {
    const uri = parsedTarget();
    if (!uri) return;
    void engine.call(uri).then((result) => {
      if (!result.ok) setFeedback({ kind: 'error', text: t(`call.problems.${result.problem}`) });
    });
  };

  return (
    <div className="transfer-panel">
      <form className="transfer-form" onSubmit={blind} noValidate>
        <label className="field-label" htmlFor={`transfer-${view.id}`}>
          {t('call.transferTarget')}
        </label>
        <input
          id={`transfer-${view.id}`}
          className="text-input"
          type="text"
          inputMode="tel"
          autoComplete="off"
          value={target}
          aria-invalid={feedback?.kind === 'error'}
          aria-describedby={feedback ? feedbackId : undefined}
          onChange={(event) => {
            setTarget(event.target.value);
            setFeedback(null);
          }}
        />
        <div className="button-row">
          <button type="submit" className="button button-secondary">
            {t('call.transferNow')}
          </button>
          <button type="button" className="button button-secondary" onClick={consult}>
            {t('call.consult')}
          </button>
        </div>
      </form>
      {others
        .filter((other) => other.state === 'active')
        .map((other) => (
          <button
            key={other.id}
            type="button"
            className="button button-secondary"
            onClick={() => engine.completeTransfer(view.id, other.id)}
          >
            {t('call.transferTo', { who: callerName(other) })}
          </button>
        ))}
      <Feedback message={feedback} id={feedbackId} />
    </div>
  );
}

function QualityIndicator({ view }: { view: CallView }) {
  const { t } = useTranslation();
  if (!view.quality) return null;
  const { level, rttMs, jitterMs, lossPercent } = view.quality;
  return (
    <p className={`call-quality quality-${level}`}>
      <span className="quality-bars" aria-hidden="true">
        <span />
        <span />
        <span />
      </span>
      <span>
        {t(`call.quality.${level}`)}
        <span className="hint">
          {' '}
          {t('call.quality.detail', { rtt: rttMs ?? '–', jitter: jitterMs, loss: lossPercent })}
        </span>
      </span>
    </p>
  );
}

function CallCard({ view, others }: { view: CallView; others: CallView[] }) {
  const { t } = useTranslation();
  const engine = usePhoneStore((s) => s.engine)();
  const elapsed = useElapsed(view.answeredAt);
  const [keypad, setKeypad] = useState(false);
  const [transferOpen, setTransferOpen] = useState(false);
  // Caller ID: a contact's name wins over the display name the far end sends.
  const who = useContactName(view.remoteUri) ?? callerName(view);
  const stateText = view.heldRemotely
    ? t('call.heldByOther')
    : view.heldLocally
      ? t('call.onHold')
      : view.conference
        ? t('call.inConference')
        : t(`call.state.${view.state}`);
  const mergeWith = others.find((other) => other.state === 'active' && !view.conference);

  const claim = securityClaim(view);

  return (
    <section className={`call-card call-${view.state}`} aria-label={t('call.with', { who })}>
      <div className="call-head">
        <div>
          <p className="call-who">{who}</p>
          <p className="call-state" role="status">
            {stateText}
            {elapsed && <span className="call-timer"> · {elapsed}</span>}
          </p>
        </div>
        {view.encryption && (
          <p className="call-encryption">
            <Icon name="lock" size={16} />
            <span>{t(`call.security.${claim}`)}</span>
          </p>
        )}
      </div>
      <CallRouting view={view} />
      {view.state === 'active' && <MediaWarning view={view} />}
      {view.state === 'active' && !view.mediaWarning && <QualityIndicator view={view} />}
      {view.state === 'active' && view.microphoneLabel && (
        <p className="hint">{t('call.microphone', { name: view.microphoneLabel })}</p>
      )}
      {view.encryption && (
        <div className="call-security">
          <p className="hint">
            {t('call.encryptionDetail', {
              dtls: view.encryption.dtlsState ?? '–',
              cipher: view.encryption.srtpCipher ?? '–',
            })}
          </p>
          {view.sas && view.encryption.scope === 'peer' && (
            <div className="sas">
              <p>
                {t('call.sasPrompt')}{' '}
                <strong
                  className="sas-code"
                  aria-label={t('call.sasLabel', { code: view.sas.split('').join(' ') })}
                >
                  {view.sas}
                </strong>
              </p>
              {view.sasMatched === null ? (
                <div className="button-row">
                  <button
                    type="button"
                    className="button button-secondary"
                    onClick={() => engine.compareSas(view.id, true)}
                  >
                    {t('call.sasMatch')}
                  </button>
                  <button
                    type="button"
                    className="button button-secondary"
                    onClick={() => engine.compareSas(view.id, false)}
                  >
                    {t('call.sasMismatch')}
                  </button>
                </div>
              ) : (
                <p
                  className={view.sasMatched ? 'feedback feedback-status' : 'feedback feedback-error'}
                  role={view.sasMatched ? 'status' : 'alert'}
                >
                  {view.sasMatched ? t('call.sasConfirmed') : t('call.sasWarning')}
                </p>
              )}
            </div>
          )}
        </div>
      )}
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
      <div className="button-row">
        {view.state === 'incoming' ? (
          <>
            <button type="button" className="button button-call" onClick={() => void engine.answer(view.id)}>
              {t('call.answer')}
            </button>
            <button type="button" className="button button-danger" onClick={() => engine.decline(view.id)}>
              {t('call.decline')}
            </button>
            <button
              type="button"
              className="button button-secondary"
              onClick={() => engine.decline(view.id, true)}
            >
              {t('call.busy')}
            </button>
          </>
        ) : (
          <>
            {view.state === 'active' && (
              <>
                <button
                  type="button"
                  className="button button-secondary"
                  aria-pressed={view.muted}
                  onClick={() => engine.setMuted(view.id, !view.muted)}
                >
                  {t('call.mute')}
                </button>
                {!view.conference && (
                  <button
                    type="button"
                    className="button button-secondary"
                    aria-pressed={view.heldLocally}
                    onClick={() => engine.setHold(view.id, !view.heldLocally)}
                  >
                    {t('call.hold')}
                  </button>
                )}
                <button
                  type="button"
                  className="button button-secondary"
                  aria-expanded={keypad}
                  onClick={() => setKeypad(!keypad)}
                >
                  {t('call.keypad')}
                </button>
                {!view.conference && (
                  <button
                    type="button"
                    className="button button-secondary"
                    aria-expanded={transferOpen}
                    onClick={() => setTransferOpen(!transferOpen)}
                  >
                    {t('call.transfer')}
                  </button>
                )}
                {mergeWith && (
                  <button
                    type="button"
                    className="button button-secondary"
                    onClick={() => void engine.merge(view.id, mergeWith.id)}
                  >
                    {t('call.merge', { who: callerName(mergeWith) })}
                  </button>
                )}
              </>
            )}
            <button type="button" className="button button-danger" onClick={() => engine.hangup(view.id)}>
              {t('call.hangup')}
            </button>
          </>
        )}
      </div>
      {keypad && view.state === 'active' && <DialPad onKey={(key) => engine.sendDtmf(view.id, key)} />}
      {transferOpen && view.state === 'active' && !view.conference && (
        <TransferPanel view={view} others={others} />
      )}
    </section>
  );
}

/**
 * Ringing calls also appear as OS notifications (Answer/Decline where the platform has buttons); the
 * notification goes when the call stops ringing.
 */
function useIncomingCallNotifications(calls: CallView[], hideCaller: boolean): void {
  const { t } = useTranslation();
  const engine = usePhoneStore((s) => s.engine);
  const notified = useRef(new Set<string>());

  useEffect(
    () =>
      subscribe('call.notificationAction', ({ callId, action }) => {
        if (action === 'answer') void engine().answer(callId);
        else if (action === 'decline') engine().decline(callId);
      }),
    [engine],
  );

  useEffect(() => {
    const ringing = new Set(calls.filter((view) => view.state === 'incoming').map((view) => view.id));
    for (const view of calls) {
      if (!ringing.has(view.id) || notified.current.has(view.id)) continue;
      notified.current.add(view.id);
      // While the app is locked, the notification names nobody either.
      void (hideCaller ? Promise.resolve(null) : contactNameFor(view.remoteUri))
        .catch(() => null)
        .then((contact) => {
          // The call may have stopped ringing while the contact was looked up.
          if (!notified.current.has(view.id)) return;
          return callMain('call.notifyIncoming', {
            callId: view.id,
            title: hideCaller
              ? t('lock.incomingCall')
              : t('call.notification.title', { who: contact ?? callerName(view) }),
            body: hideCaller ? t('lock.title') : view.remoteUri.replace(/^sips?:/, ''),
            answerLabel: t('call.answer'),
            declineLabel: t('call.decline'),
          });
        })
        .catch(() => undefined);
    }
    for (const id of notified.current) {
      if (ringing.has(id)) continue;
      notified.current.delete(id);
      void callMain('call.dismissNotification', { callId: id }).catch(() => undefined);
    }
  }, [calls, t, hideCaller]);
}

/** A call while the app is locked: no caller, no number; a ringing call can be answered or declined. */
function LockedCallCard({ view }: { view: CallView }) {
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
            <button type="button" className="button button-call" onClick={() => void engine.answer(view.id)}>
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

/** Calls in progress, incoming ones included, shown above whatever screen is open. */
export function CallDock({ hideCaller = false }: { hideCaller?: boolean }) {
  const { t } = useTranslation();
  const calls = usePhoneStore((s) => s.calls);
  const ended = usePhoneStore((s) => s.ended);
  const engine = usePhoneStore((s) => s.engine);
  useIncomingCallNotifications(calls, hideCaller);
  if (calls.length === 0 && ended.length === 0) return null;
  return (
    <aside className="call-dock" aria-label={t('call.dock')}>
      <CallEndNotices ended={ended} onDismiss={(id) => engine().dismissEnded(id)} hideCaller={hideCaller} />
      {calls.map((view) =>
        hideCaller ? (
          <LockedCallCard key={view.id} view={view} />
        ) : (
          <CallCard key={view.id} view={view} others={calls.filter((other) => other.id !== view.id)} />
        ),
      )}
    </aside>
  );
}
