import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { parseDialInput, targetUri } from '../phone/dial-target';
import type { CallView } from '../phone/engine';
import { useAppStore } from '../state/app-store';
import { usePhoneStore } from '../state/phone-store';
import { dialProblemText } from './dial-feedback';
import { Feedback, type FeedbackMessage } from './Feedback';

/** Transfer: to a typed number at once (blind), or after consulting it first (attended, completed in the list above). */
export function TransferPanel({ view }: { view: CallView }) {
  const { t } = useTranslation();
  const engine = usePhoneStore((s) => s.engine)();
  const dial = usePhoneStore((s) => s.dial);
  const country = useAppStore((s) => s.settings?.settings.defaultCountry ?? 'DE');
  const [target, setTarget] = useState('');
  const [feedback, setFeedback] = useState<FeedbackMessage>(null);
  const field = useRef<HTMLInputElement>(null);
  const feedbackId = `transfer-feedback-${view.id}`;

  useEffect(() => field.current?.focus(), []);

  const parsedTarget = () => {
    const parsed = parseDialInput(target, country);
    if (parsed.ok) return targetUri(parsed.target, engine.domain);
    setFeedback({ kind: 'error', text: dialProblemText(t, parsed.error, { country, label: null }) });
    return null;
  };
  const blind = (event: FormEvent) => {
    event.preventDefault();
    const uri = parsedTarget();
    if (uri) engine.transfer(view.id, uri);
  };
  const consult = () => {
    if (!parsedTarget()) return;
    // The call being transferred goes on hold while the target is called.
    void dial(target).then((result) => {
      if (!result.ok)
        setFeedback({ kind: 'error', text: dialProblemText(t, result.problem, { country, ...result }) });
    });
  };

  return (
    <form className="transfer-panel" onSubmit={blind} noValidate>
      <label className="field-label" htmlFor={`transfer-${view.id}`}>
        {t('call.transferTarget')}
      </label>
      <input
        ref={field}
        id={`transfer-${view.id}`}
        className="text-input"
        type="text"
        inputMode="tel"
        autoComplete="off"
        spellCheck={false}
        value={target}
        aria-invalid={feedback?.kind === 'error'}
        aria-describedby={feedback ? feedbackId : undefined}
        onChange={(event) => {
          setTarget(event.target.value);
          setFeedback(null);
        }}
      />
      <div className="button-row">
        <button type="submit" className="button button-primary">
          {t('call.transferNow')}
        </button>
        <button type="button" className="button button-secondary" onClick={consult}>
          {t('call.consult')}
        </button>
      </div>
      <p className="hint">{t('call.consultHint')}</p>
      <Feedback message={feedback} id={feedbackId} />
    </form>
  );
}
