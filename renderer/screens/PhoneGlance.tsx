import { memo, useMemo, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useTranslation } from 'react-i18next';
import type { DialFeedback } from '../components/dial-feedback';
import { Feedback, type FeedbackMessage } from '../components/Feedback';
import { Icon, type IconName } from '../components/Icon';
import { IconButton } from '../components/IconButton';
import { useFormattingLocale } from '../format/dates';
import { formatAddress } from '../format/party';
import { errorKey } from '../ipc/client';
import { useAppStore } from '../state/app-store';
import type { Glance } from '../state/glance-store';
import { usePhoneStore } from '../state/phone-store';
import { useSipAccountStore } from '../state/sip-account-store';
import { directionIcon, outcomeKey, useRemoteLabel } from './HistoryScreen';

/** Your own line (the account the phone registers with) and your status: connected, Do Not Disturb. */
export function MyLineCard() {
  const { t } = useTranslation();
  const account = useSipAccountStore((s) => s.state?.account ?? null);
  const registration = usePhoneStore((s) => s.registration);
  const country = useAppStore((s) => s.settings?.settings.defaultCountry ?? 'DE');
  const doNotDisturb = useAppStore((s) => s.settings?.settings.doNotDisturb ?? false);
  const dndLocked = useAppStore((s) => s.settings?.locked.includes('doNotDisturb') ?? false);
  const updateSettings = useAppStore((s) => s.updateSettings);
  const navigate = useAppStore((s) => s.navigate);
  const [error, setError] = useState<string | null>(null);
  const status =
    registration.state === 'error'
      ? t(`phone.registrationErrors.${registration.error}`)
      : t(`phone.status.${registration.state}`);
  return (
    <section className="card glance-card" aria-labelledby="glance-line">
      <h2 id="glance-line" className="card-title">
        {t('phone.glance.line')}
      </h2>
      {account ? (
        <p className="glance-line">
          <span className="glance-line-name">
            {account.displayName || formatAddress(account.sipUri, country)}
          </span>
          <span className="glance-line-address">{account.sipUri.replace(/^sips?:/, '')}</span>
        </p>
      ) : (
        <p className="hint">
          {t('phone.glance.noLine')}{' '}
          <a
            href="#settings"
            onClick={(event) => {
              event.preventDefault();
              navigate('settings');
            }}
          >
            {t('phone.glance.setUp')}
          </a>
        </p>
      )}
      <p className={`glance-status registration-${registration.state}`}>
        <span className="registration-dot" aria-hidden="true" />
        <span>{status}</span>
      </p>
      <div className="setting-row-check glance-dnd">
        <input
          id="glance-dnd"
          type="checkbox"
          checked={doNotDisturb}
          disabled={dndLocked}
          onChange={(event) =>
            updateSettings({ doNotDisturb: event.target.checked }).then(
              () => setError(null),
              (failure: unknown) => setError(errorKey(failure)),
            )
          }
        />
        <label htmlFor="glance-dnd">{t('settings.calls.doNotDisturb')}</label>
      </div>
      {error && <Feedback message={{ kind: 'error', text: t(error) }} />}
    </section>
  );
}

/**
 * One entry of a glance list: who, a line about it, and the button that calls. Memoised on plain values:
 * the Phone screen renders at every change of a call, which must not redo its lists while a call is set up.
 */
const GlanceRow = memo(function GlanceRow({
  icon,
  missed = false,
  title,
  meta,
  callLabel,
  dialKey,
  target,
  onDial,
  feedback,
}: {
  icon?: IconName;
  missed?: boolean;
  title: string;
  meta: string;
  callLabel: string;
  /** Names the row's place for the dial feedback. */
  dialKey: string;
  target: string;
  onDial: DialFeedback['dial'];
  feedback: FeedbackMessage;
}) {
  return (
    <li className={`glance-row ${missed ? 'row-missed' : ''}`}>
      {icon && (
        <span className="row-icon">
          <Icon name={icon} size={16} />
        </span>
      )}
      <span className="glance-row-main">
        <span className="glance-row-title">{title}</span>
        <span className="glance-row-meta">{meta}</span>
      </span>
      <IconButton
        icon="phone"
        variant="call"
        size="small"
        label={callLabel}
        onClick={() => void onDial(dialKey, target)}
      />
      <Feedback message={feedback} />
    </li>
  );
});

/** Favourite contacts, each number one click from a call. */
export function FavouritesCard({ glance, dialing }: { glance: Glance; dialing: DialFeedback }) {
  const { t } = useTranslation();
  const { favourites, unavailable } = glance;
  const navigate = useAppStore((s) => s.navigate);
  const country = useAppStore((s) => s.settings?.settings.defaultCountry ?? 'DE');
  const domain = usePhoneStore((s) => s.engine().domain);
  return (
    <section className="card glance-card" aria-labelledby="glance-favourites">
      <h2 id="glance-favourites" className="card-title">
        {t('phone.glance.favourites')}
      </h2>
      {favourites.length === 0 ? (
        <p className="hint">{unavailable ? t('phone.glance.unavailable') : t('phone.glance.noFavourites')}</p>
      ) : (
        <ul className="glance-list">
          {favourites.flatMap((contact) =>
            contact.numbers.slice(0, 2).map((entry, index) => {
              const key = `favourite:${contact.id}:${index}`;
              const label = t(`contacts.labels.${entry.label}`);
              return (
                <GlanceRow
                  key={key}
                  title={contact.name}
                  meta={`${label} · ${formatAddress(entry.number, country, domain)}`}
                  callLabel={t('contacts.callNumber', { name: contact.name, label, number: entry.number })}
                  dialKey={key}
                  target={entry.number}
                  onDial={dialing.dial}
                  feedback={dialing.messageFor(key)}
                />
              );
            }),
          )}
        </ul>
      )}
      <button type="button" className="link-button glance-more" onClick={() => navigate('contacts')}>
        {t('phone.glance.allContacts')}
      </button>
    </section>
  );
}

/** The latest calls, each one click from calling back. */
export function RecentCallsCard({ glance, dialing }: { glance: Glance; dialing: DialFeedback }) {
  const { t } = useTranslation();
  const { recent, unavailable } = glance;
  const locale = useFormattingLocale();
  const remoteLabel = useRemoteLabel();
  // Only the states of the calls listed here: other calls changing do not touch the list.
  const liveStates = usePhoneStore(
    useShallow((s) => recent.map((record) => s.calls.find((view) => view.id === record.id)?.state ?? null)),
  );
  const navigate = useAppStore((s) => s.navigate);
  const rows = useMemo(() => {
    const when = new Intl.DateTimeFormat(locale, { weekday: 'short', hour: '2-digit', minute: '2-digit' });
    return recent.map((record, index) => {
      const who = remoteLabel(record);
      const state = liveStates[index];
      return {
        record,
        who,
        meta: [
          t(`history.direction.${record.direction}`),
          t(`history.${outcomeKey(record, state ? { state } : undefined)}`),
          when.format(record.startedAt),
        ].join(' · '),
        callLabel: t('history.callBack', { who }),
      };
    });
  }, [recent, liveStates, locale, remoteLabel, t]);
  return (
    <section className="card glance-card" aria-labelledby="glance-recent">
      <h2 id="glance-recent" className="card-title">
        {t('phone.glance.recent')}
      </h2>
      {recent.length === 0 ? (
        <p className="hint">{unavailable ? t('phone.glance.unavailable') : t('phone.glance.noRecent')}</p>
      ) : (
        <ul className="glance-list">
          {rows.map(({ record, who, meta, callLabel }) => {
            const key = `recent:${record.id}`;
            return (
              <GlanceRow
                key={record.id}
                icon={directionIcon(record)}
                missed={record.disposition === 'missed'}
                title={who}
                meta={meta}
                callLabel={callLabel}
                dialKey={key}
                target={record.remoteUri}
                onDial={dialing.dial}
                feedback={dialing.messageFor(key)}
              />
            );
          })}
        </ul>
      )}
      <button type="button" className="link-button glance-more" onClick={() => navigate('history')}>
        {t('phone.glance.allCalls')}
      </button>
    </section>
  );
}
