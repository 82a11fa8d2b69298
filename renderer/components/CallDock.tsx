import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { call as callMain } from '../ipc/client';
import type { CallView } from '../phone/engine';
import { usePhoneStore } from '../state/phone-store';
import { DialPad } from './DialPad';
import { Icon } from './Icon';

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

function CallCard({ view }: { view: CallView }) {
  const { t } = useTranslation();
  const engine = usePhoneStore((s) => s.engine)();
  const elapsed = useElapsed(view.answeredAt);
  const [keypad, setKeypad] = useState(false);
  const [sasAnswer, setSasAnswer] = useState<boolean | null>(null);
  const who = view.remoteName ?? view.remoteUri.replace(/^sips?:/, '').replace(/;.*$/, '');
  const stateText = view.heldRemotely
    ? t('call.heldByOther')
    : view.heldLocally
      ? t('call.onHold')
      : t(`call.state.${view.state}`);

  const compareSas = (matched: boolean) => {
    setSasAnswer(matched);
    void callMain('call.report', { type: 'sasCompared', callId: view.id, at: Date.now(), matched }).catch(
      () => undefined,
    );
  };

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
            <span>
              {view.encryption.scope === 'end-to-end'
                ? t('call.encryptedEndToEnd')
                : t('call.encryptedToProvider')}
            </span>
          </p>
        )}
      </div>
      {view.encryption && (
        <div className="call-security">
          <p className="hint">
            {t('call.encryptionDetail', {
              dtls: view.encryption.dtlsState ?? '–',
              cipher: view.encryption.srtpCipher ?? '–',
            })}
          </p>
          {view.sas && view.encryption.scope === 'end-to-end' && (
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
              {sasAnswer === null ? (
                <div className="button-row">
                  <button type="button" className="button button-secondary" onClick={() => compareSas(true)}>
                    {t('call.sasMatch')}
                  </button>
                  <button type="button" className="button button-secondary" onClick={() => compareSas(false)}>
                    {t('call.sasMismatch')}
                  </button>
                </div>
              ) : (
                <p
                  className={sasAnswer ? 'feedback feedback-status' : 'feedback feedback-error'}
                  role={sasAnswer ? 'status' : 'alert'}
                >
                  {sasAnswer ? t('call.sasConfirmed') : t('call.sasWarning')}
                </p>
              )}
            </div>
          )}
        </div>
      )}
      <div className="button-row">
        {view.state === 'incoming' ? (
          <>
            <button type="button" className="button button-call" onClick={() => engine.answer(view.id)}>
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
                <button
                  type="button"
                  className="button button-secondary"
                  aria-pressed={view.heldLocally}
                  onClick={() => engine.setHold(view.id, !view.heldLocally)}
                >
                  {t('call.hold')}
                </button>
                <button
                  type="button"
                  className="button button-secondary"
                  aria-expanded={keypad}
                  onClick={() => setKeypad(!keypad)}
                >
                  {t('call.keypad')}
                </button>
              </>
            )}
            <button type="button" className="button button-danger" onClick={() => engine.hangup(view.id)}>
              {t('call.hangup')}
            </button>
          </>
        )}
      </div>
      {keypad && view.state === 'active' && <DialPad onKey={(key) => engine.sendDtmf(view.id, key)} />}
    </section>
  );
}

/** Calls in progress, incoming ones included, shown above whatever screen is open. */
export function CallDock() {
  const { t } = useTranslation();
  const calls = usePhoneStore((s) => s.calls);
  if (calls.length === 0) return null;
  return (
    <aside className="call-dock" aria-label={t('call.dock')}>
      {calls.map((view) => (
        <CallCard key={view.id} view={view} />
      ))}
    </aside>
  );
}
