import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Feedback, type FeedbackMessage } from '../components/Feedback';
import { useTranslation } from 'react-i18next';
import { DialPad } from '../components/DialPad';
import { Icon } from '../components/Icon';
import { ScreenHeading } from '../components/ScreenHeading';
import { regionName } from '../i18n/region-name';
import { ServiceCodeWarning } from '../components/ServiceCodeWarning';
import { hasServiceCodes, parseDialInput, targetLabel, targetUri } from '../phone/dial-target';
import { useAppStore } from '../state/app-store';
import { useDialRequestStore } from '../state/dial-request-store';
import { usePhoneStore } from '../state/phone-store';
import { useSipAccountStore } from '../state/sip-account-store';

export function PhoneScreen() {
  const { t } = useTranslation();
  const country = useAppStore((s) => s.settings?.settings.defaultCountry ?? 'DE');
  const account = useSipAccountStore((s) => s.state?.account ?? null);
  const registered = usePhoneStore((s) => s.registration.state === 'registered');
  const doNotDisturb = useAppStore((s) => s.settings?.settings.doNotDisturb ?? false);
  const engine = usePhoneStore((s) => s.engine);
  const [number, setNumber] = useState('');
  const [feedback, setFeedback] = useState<FeedbackMessage>(null);
  // The number field as a link filled it, when that holds service codes (until the person edits it).
  const [linkCodes, setLinkCodes] = useState<string | null>(null);
  const field = useRef<HTMLInputElement>(null);
  const lastAttempt = useRef(0);

  // Digits typed anywhere on this screen go into the number field.
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.ctrlKey || event.metaKey || event.altKey) return;
      const target = event.target as HTMLElement | null;
      if (
        target &&
        (target.tagName === 'INPUT' || target.tagName === 'TEXTAREA' || target.tagName === 'SELECT')
      )
        return;
      if (/^[0-9*#+]$/.test(event.key)) {
        event.preventDefault();
        setLinkCodes(null);
        setNumber((current) => current + event.key);
        field.current?.focus();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const countryName = regionName(country);

  // A tel:/callto:/sip: link: its target goes into the number field, read like typed input; never dialled.
  useEffect(() => {
    const apply = () => {
      const target = useDialRequestStore.getState().take();
      if (target === null) return;
      setNumber(target);
      setLinkCodes(hasServiceCodes(target) ? target : null);
      const parsed = parseDialInput(target, country);
      setFeedback(
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
  }, [country, countryName, t]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const parsed = parseDialInput(number, country);
    if (!parsed.ok) {
      setFeedback({ kind: 'error', text: t(`phone.errors.${parsed.error}`, { country: countryName }) });
      return;
    }
    if (!account) {
      setFeedback({ kind: 'status', text: t('phone.noAccount', { target: targetLabel(parsed.target) }) });
      return;
    }
    if (!registered) {
      setFeedback({ kind: 'error', text: t('phone.notRegistered') });
      return;
    }
    const phone = engine();
    // Only the latest press of Call speaks: a first call that connects must not clear what a second said.
    const attempt = (lastAttempt.current += 1);
    void phone.call(targetUri(parsed.target, phone.domain)).then((result) => {
      if (attempt !== lastAttempt.current) return;
      if (result.ok) setFeedback(null);
      else
        setFeedback({
          kind: 'error',
          text:
            result.problem === 'not-registered'
              ? t('phone.notRegistered')
              : t(`call.problems.${result.problem}`),
        });
    });
  };

  return (
    <section className="screen phone-screen">
      <header className="screen-header">
        <ScreenHeading>{t('phone.title')}</ScreenHeading>
      </header>
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
                setLinkCodes(null);
                setFeedback(null);
              }}
            />
            <button
              type="button"
              className="icon-button"
              aria-label={t('phone.backspace')}
              disabled={number === ''}
              onClick={() => {
                setLinkCodes(null);
                setNumber((current) => current.slice(0, -1));
              }}
            >
              <Icon name="backspace" />
            </button>
          </div>
          <DialPad
            onKey={(key) => {
              setLinkCodes(null);
              setNumber((current) => current + key);
              setFeedback(null);
            }}
          />
          {linkCodes !== null && <ServiceCodeWarning digits={linkCodes} />}
          <button type="submit" className="call-button">
            <Icon name="phone" />
            <span>{linkCodes !== null ? t('phone.callDigits', { digits: linkCodes }) : t('phone.call')}</span>
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
    </section>
  );
}
