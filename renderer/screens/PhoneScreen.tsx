import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useDialFeedback } from '../components/dial-feedback';
import { DialPad } from '../components/DialPad';
import { Feedback, type FeedbackMessage } from '../components/Feedback';
import { Icon } from '../components/Icon';
import { ScreenHeading } from '../components/ScreenHeading';
import { regionName } from '../i18n/region-name';
import { ServiceCodeWarning } from '../components/ServiceCodeWarning';
import { hasServiceCodes, parseDialInput } from '../phone/dial-target';
import { useAppStore } from '../state/app-store';
import { useCallPanelStore } from '../state/call-panel-store';
import { useDialRequestStore } from '../state/dial-request-store';
import { useGlance } from '../state/glance-store';
import { usePhoneStore } from '../state/phone-store';
import { FavouritesCard, MyLineCard, RecentCallsCard } from './PhoneGlance';

const FIELD = 'dial-field';

/** Digits typed anywhere on the screen go into the number field (not while the call keypad sends them). */
function useTypeToDial(append: (text: string) => void) {
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.ctrlKey || event.metaKey || event.altKey || !/^[0-9*#+]$/.test(event.key)) return;
      if (event.target instanceof HTMLElement && event.target.closest('input, textarea, select')) return;
      if (useCallPanelStore.getState().pane?.pane === 'keypad') return;
      event.preventDefault();
      append(event.key);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [append]);
}

export function PhoneScreen() {
  const { t } = useTranslation();
  const country = useAppStore((s) => s.settings?.settings.defaultCountry ?? 'DE');
  const doNotDisturb = useAppStore((s) => s.settings?.settings.doNotDisturb ?? false);
  const inCall = usePhoneStore((s) => s.calls.some((view) => view.state !== 'ended'));
  const dialing = useDialFeedback();
  const glance = useGlance();
  const [number, setNumber] = useState('');
  const [linkProblem, setLinkProblem] = useState<FeedbackMessage>(null);
  // The number field as a link filled it, when that holds service codes (until the person edits it).
  const [linkCodes, setLinkCodes] = useState<string | null>(null);
  const field = useRef<HTMLInputElement>(null);
  const { clear, dial } = dialing;

  const append = useCallback(
    (text: string) => {
      setNumber((current) => current + text);
      setLinkProblem(null);
      setLinkCodes(null);
      clear();
    },
    [clear],
  );
  useTypeToDial(
    useCallback(
      (text: string) => {
        append(text);
        field.current?.focus();
      },
      [append],
    ),
  );

  const countryName = regionName(country);

  // A tel:/callto:/sip: link: its target goes into the number field, read like typed input; never dialled.
  // "Call back" on a missed-call notification was pressed on purpose: it dials.
  useEffect(() => {
    const apply = () => {
      const requests = useDialRequestStore.getState();
      const callBack = requests.takeCallBack();
      if (callBack !== null) {
        setNumber(callBack);
        setLinkProblem(null);
        setLinkCodes(null);
        void dial(FIELD, callBack);
      }
      const target = requests.take();
      if (target === null) return;
      setNumber(target);
      setLinkCodes(hasServiceCodes(target) ? target : null);
      clear();
      const parsed = parseDialInput(target, country);
      setLinkProblem(
        parsed.ok
          ? null
          : { kind: 'error', text: t(`phone.errors.${parsed.error}`, { country: countryName }) },
      );
      field.current?.focus();
    };
    const unsubscribe = useDialRequestStore.subscribe(apply);
    // A link that arrived before this screen was shown.
    const arrivedEarlier = setTimeout(apply, 0);
    return () => {
      unsubscribe();
      clearTimeout(arrivedEarlier);
    };
  }, [country, countryName, t, dial, clear]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setLinkProblem(null);
    void dial(FIELD, number);
  };

  const feedback = linkProblem ?? dialing.messageFor(FIELD);
  return (
    <section className="screen phone-screen">
      <header className="screen-header">
        <ScreenHeading>{t('phone.title')}</ScreenHeading>
      </header>
      <div className="phone-grid">
        <div className="card phone-card">
          <form className="dial-form" onSubmit={submit} noValidate>
            <label className="field-label" htmlFor="dial-number">
              {t('phone.numberLabel')}
            </label>
            <div className="dial-input-row">
              <input
                ref={field}
                id="dial-number"
                className="dial-input"
                type="text"
                inputMode="tel"
                autoComplete="off"
                spellCheck={false}
                placeholder={t('phone.numberPlaceholder')}
                value={number}
                aria-invalid={feedback?.kind === 'error'}
                aria-describedby={feedback ? 'dial-feedback' : undefined}
                onChange={(event) => {
                  setNumber(event.target.value);
                  setLinkProblem(null);
                  setLinkCodes(null);
                  clear();
                }}
              />
              <button
                type="button"
                className="icon-button"
                aria-label={t('phone.backspace')}
                title={t('phone.backspace')}
                disabled={number === ''}
                onClick={() => {
                  setLinkCodes(null);
                  setNumber((current) => current.slice(0, -1));
                }}
              >
                <Icon name="backspace" />
              </button>
            </div>
            {/* During a call the keypad is the call's own (in the call panel): one keypad at a time. */}
            {!inCall && <DialPad onKey={append} />}
            {linkCodes !== null && <ServiceCodeWarning digits={linkCodes} />}
            <button type="submit" className="call-button">
              <Icon name="phone" />
              <span>
                {linkCodes !== null ? t('phone.callDigits', { digits: linkCodes }) : t('phone.call')}
              </span>
            </button>
            <Feedback message={feedback} id="dial-feedback" />
          </form>
          {doNotDisturb && (
            <p className="hint dnd-hint">
              <Icon name="moon" size={16} />
              <span>{t('phone.doNotDisturbOn')}</span>
            </p>
          )}
        </div>
        <div className="phone-glance">
          <MyLineCard />
          <FavouritesCard glance={glance} dialing={dialing} />
          <RecentCallsCard glance={glance} dialing={dialing} />
        </div>
      </div>
    </section>
  );
}
