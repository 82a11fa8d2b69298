import { useEffect, useId, useRef, useState, type ChangeEvent, type FormEvent } from 'react';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import {
  ContactInput,
  contactLimits,
  numberLabels,
  type Contact,
  type ContactImportResult,
  type NumberLabel,
} from '../../shared/domain/contacts';
import { isInputProblem, useDialFeedback } from '../components/dial-feedback';
import { EmptyState } from '../components/EmptyState';
import { Feedback, type FeedbackMessage } from '../components/Feedback';
import { Icon } from '../components/Icon';
import { IconButton } from '../components/IconButton';
import { ScreenHeading } from '../components/ScreenHeading';
import { TaskProgress } from '../components/TaskProgress';
import { errorKey } from '../ipc/client';
import { readContactFile, useContactsStore } from '../state/contacts-store';

interface FormValues {
  name: string;
  organisation: string;
  email: string;
  note: string;
  numbers: Array<{ label: NumberLabel; number: string }>;
}

type TextField = 'name' | 'organisation' | 'email' | 'note';

interface FormErrors {
  fields: Partial<Record<TextField, true>>;
  numbers: Record<number, true>;
  noNumbers: boolean;
}

const noErrors: FormErrors = { fields: {}, numbers: {}, noNumbers: false };

function valuesOf(contact: Contact | null): FormValues {
  return {
    name: contact?.name ?? '',
    organisation: contact?.organisation ?? '',
    email: contact?.email ?? '',
    note: contact?.note ?? '',
    numbers: contact ? contact.numbers.map((n) => ({ ...n })) : [{ label: 'mobile', number: '' }],
  };
}

/** Add or edit one contact; checked here for quick feedback and again in main. */
function ContactForm({
  contact,
  onDone,
}: {
  contact: Contact | null;
  onDone(message: FeedbackMessage): void;
}) {
  const { t } = useTranslation();
  const create = useContactsStore((s) => s.create);
  const update = useContactsStore((s) => s.update);
  const [values, setValues] = useState<FormValues>(() => valuesOf(contact));
  const [errors, setErrors] = useState<FormErrors>(noErrors);
  const [message, setMessage] = useState<FeedbackMessage>(null);
  const formRef = useRef<HTMLFormElement>(null);
  const id = useId();
  const fieldId = (name: string) => `${id}-${name}`;

  useEffect(() => {
    formRef.current?.querySelector<HTMLInputElement>('input')?.focus();
  }, []);

  const setField = (field: TextField, value: string) => setValues((v) => ({ ...v, [field]: value }));
  const setNumber = (index: number, patch: Partial<FormValues['numbers'][number]>) =>
    setValues((v) => ({ ...v, numbers: v.numbers.map((n, i) => (i === index ? { ...n, ...patch } : n)) }));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    // Empty number rows are left out rather than refused.
    const numbers = values.numbers.filter((n) => n.number.trim() !== '');
    const input = { ...values, numbers, favourite: contact?.favourite ?? false };
    const parsed = ContactInput.safeParse(input);
    if (!parsed.success) {
      const next: FormErrors = { fields: {}, numbers: {}, noNumbers: false };
      for (const issue of parsed.error.issues) {
        const [field, index] = issue.path;
        if (field === 'numbers' && typeof index === 'number') {
          next.numbers[values.numbers.indexOf(numbers[index]!)] = true;
        } else if (field === 'numbers') next.noNumbers = true;
        else if (typeof field === 'string') next.fields[field as TextField] = true;
      }
      setErrors(next);
      setMessage({ kind: 'error', text: t('contacts.form.invalid') });
      // Focus goes to the first field to correct.
      requestAnimationFrame(() =>
        formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus(),
      );
      return;
    }
    setErrors(noErrors);
    const saving = contact ? update(contact.id, parsed.data) : create(parsed.data);
    saving.then(
      (saved) =>
        onDone(
          saved
            ? { kind: 'status', text: t('contacts.saved', { name: saved.name }) }
            : { kind: 'error', text: t('contacts.gone') },
        ),
      (error: unknown) => setMessage({ kind: 'error', text: t(errorKey(error)) }),
    );
  };

  const textField = (field: TextField, multiline = false) => {
    const invalid = errors.fields[field] === true;
    const props = {
      id: fieldId(field),
      className: 'text-input',
      value: values[field],
      'aria-invalid': invalid,
      'aria-describedby': invalid ? fieldId(`${field}-error`) : undefined,
    };
    return (
      <div className={`setting-row ${multiline ? 'contact-form-wide' : ''}`}>
        <label className="field-label" htmlFor={fieldId(field)}>
          {t(`contacts.form.${field}`)}
        </label>
        {multiline ? (
          <textarea {...props} rows={3} onChange={(e) => setField(field, e.target.value)} />
        ) : (
          <input
            {...props}
            type={field === 'email' ? 'email' : 'text'}
            autoComplete="off"
            required={field === 'name'}
            onChange={(e) => setField(field, e.target.value)}
          />
        )}
        {invalid && (
          <p id={fieldId(`${field}-error`)} className="feedback feedback-error">
            {t(`contacts.invalid.${field}`)}
          </p>
        )}
      </div>
    );
  };

  const titleId = fieldId('title');
  return (
    <section className="card settings-card contact-form" aria-labelledby={titleId}>
      <h2 id={titleId} className="card-title">
        {contact ? t('contacts.form.editTitle', { name: contact.name }) : t('contacts.form.newTitle')}
      </h2>
      <form ref={formRef} className="form-grid" onSubmit={submit} noValidate>
        {textField('name')}
        {textField('organisation')}
        {textField('email')}
        <fieldset className="contact-form-wide contact-numbers-fieldset">
          <legend className="field-label">{t('contacts.form.numbers')}</legend>
          {values.numbers.map((entry, index) => {
            const invalid = errors.numbers[index] === true;
            const position = index + 1;
            return (
              <div className="contact-number-edit" key={index}>
                <select
                  className="select"
                  aria-label={t('contacts.form.labelFor', { position })}
                  value={entry.label}
                  onChange={(e) => setNumber(index, { label: e.target.value as NumberLabel })}
                >
                  {numberLabels.map((label) => (
                    <option key={label} value={label}>
                      {t(`contacts.labels.${label}`)}
                    </option>
                  ))}
                </select>
                <input
                  className="text-input"
                  type="text"
                  inputMode="tel"
                  autoComplete="off"
                  spellCheck={false}
                  aria-label={t('contacts.form.number', { position })}
                  aria-invalid={invalid}
                  aria-describedby={invalid ? fieldId(`number-${index}-error`) : undefined}
                  value={entry.number}
                  onChange={(e) => setNumber(index, { number: e.target.value })}
                />
                {values.numbers.length > 1 && (
                  <button
                    type="button"
                    className="button button-secondary"
                    onClick={() =>
                      setValues((v) => ({ ...v, numbers: v.numbers.filter((_, i) => i !== index) }))
                    }
                  >
                    {t('contacts.form.removeNumber', { position })}
                  </button>
                )}
                {invalid && (
                  <p id={fieldId(`number-${index}-error`)} className="feedback feedback-error">
                    {t('contacts.invalid.number')}
                  </p>
                )}
              </div>
            );
          })}
          {errors.noNumbers && <p className="feedback feedback-error">{t('contacts.invalid.numbers')}</p>}
          {values.numbers.length < contactLimits.numbers && (
            <button
              type="button"
              className="button button-secondary"
              onClick={() =>
                setValues((v) => ({ ...v, numbers: [...v.numbers, { label: 'mobile', number: '' }] }))
              }
            >
              {t('contacts.form.addNumber')}
            </button>
          )}
        </fieldset>
        {textField('note', true)}
        <div className="form-actions">
          <button type="submit" className="button button-primary">
            {t('contacts.form.save')}
          </button>
          <button type="button" className="button button-secondary" onClick={() => onDone(null)}>
            {t('contacts.form.cancel')}
          </button>
        </div>
        <Feedback message={message} />
      </form>
    </section>
  );
}

function importMessage(result: ContactImportResult, t: TFunction): FeedbackMessage {
  if (result.status === 'cancelled') return { kind: 'status', text: t('contacts.import.cancelled') };
  if (result.status === 'refused')
    return {
      kind: 'error',
      text: `${t(`contacts.import.refused.${result.reason}`)} ${t('contacts.import.nothingImported')}`,
    };
  const shown = result.problems.slice(0, 5).map((problem) =>
    t('contacts.import.problem', {
      entry: problem.entry,
      reason: t(`contacts.import.reasons.${problem.reason}`),
    }),
  );
  const skipped =
    result.skipped > 0
      ? ` ${t('contacts.import.skipped', {
          count: result.skipped,
          list: `${shown.join(', ')}${result.skipped > shown.length ? ', …' : ''}`,
        })}`
      : '';
  return { kind: 'status', text: `${t('contacts.import.done', { count: result.imported })}${skipped}` };
}

export function ContactsScreen() {
  const { t } = useTranslation();
  const {
    storage,
    search,
    favouritesOnly,
    contacts,
    hasMore,
    load,
    setSearch,
    setFavouritesOnly,
    loadMore,
    remove,
    setFavourite,
    importText,
  } = useContactsStore();
  const dialing = useDialFeedback();
  const [editing, setEditing] = useState<{ contact: Contact | null } | null>(null);
  const [confirmDelete, setConfirmDelete] = useState<string | null>(null);
  const [feedback, setFeedback] = useState<FeedbackMessage>(null);
  const [importing, setImporting] = useState<string | null>(null);
  const addButton = useRef<HTMLButtonElement>(null);

  const fail = (error: unknown) => setFeedback({ kind: 'error', text: t(errorKey(error)) });

  useEffect(() => {
    load().catch((error: unknown) => setFeedback({ kind: 'error', text: t(errorKey(error)) }));
  }, [load, t]);

  const closeForm = (message: FeedbackMessage) => {
    setEditing(null);
    if (message) setFeedback(message);
    requestAnimationFrame(() => addButton.current?.focus());
  };

  /** What calling a contact's number said, shown at the number: a stored number that cannot be dialled says so. */
  const numberFeedback = (key: string, number: string): FeedbackMessage => {
    const problem = dialing.problemFor(key);
    return problem && isInputProblem(problem)
      ? { kind: 'error', text: t('contacts.cannotDial', { number }) }
      : dialing.messageFor(key);
  };

  const onFile = async (event: ChangeEvent<HTMLInputElement>) => {
    const input = event.target;
    const file = input.files?.[0];
    // The same file can be chosen again after this one.
    input.value = '';
    if (!file) return;
    setImporting(file.name);
    setFeedback(null);
    try {
      const read = await readContactFile(file);
      const result = read.ok
        ? await importText(read.format, read.text)
        : ({ status: 'refused', reason: read.reason } as const);
      setFeedback(importMessage(result, t));
    } catch (error) {
      fail(error);
    } finally {
      setImporting(null);
    }
  };

  const deleteContact = (contact: Contact) =>
    remove(contact.id).then(() => {
      setConfirmDelete(null);
      setFeedback({ kind: 'status', text: t('contacts.deleted', { name: contact.name }) });
      requestAnimationFrame(() => addButton.current?.focus());
    }, fail);

  const unavailable = storage !== null && storage.state !== 'ready';
  return (
    <section className="screen">
      <header className="screen-header contacts-header">
        <ScreenHeading>{t('contacts.title')}</ScreenHeading>
        <div className="button-row">
          <button
            ref={addButton}
            type="button"
            className="button button-primary"
            disabled={unavailable}
            onClick={() => {
              setFeedback(null);
              setEditing({ contact: null });
            }}
          >
            {t('contacts.add')}
          </button>
          <input
            id="contacts-import-file"
            className="contacts-file-input visually-hidden"
            type="file"
            accept=".vcf,.vcard,.csv,text/vcard,text/x-vcard,text/csv"
            disabled={unavailable || importing !== null}
            onChange={(event) => void onFile(event)}
          />
          <label htmlFor="contacts-import-file" className="button button-secondary contacts-file-label">
            {t('contacts.import.choose')}
          </label>
        </div>
      </header>
      {unavailable && (
        <p className="feedback feedback-error" role="alert">
          {t('contacts.storageUnavailable')}
        </p>
      )}
      {importing !== null && (
        <TaskProgress task="contacts-import" label={t('contacts.import.reading', { file: importing })} />
      )}
      <Feedback message={feedback} />
      {editing && (
        <ContactForm key={editing.contact?.id ?? 'new'} contact={editing.contact} onDone={closeForm} />
      )}
      <div className="toolbar">
        <input
          type="search"
          className="search-input"
          aria-label={t('contacts.search')}
          placeholder={t('contacts.search')}
          value={search}
          onChange={(event) => void setSearch(event.target.value).catch(fail)}
        />
        <div className="segmented" role="group" aria-label={t('contacts.filters')}>
          {([false, true] as const).map((only) => (
            <button
              key={String(only)}
              type="button"
              className="segment"
              aria-pressed={favouritesOnly === only}
              onClick={() => void setFavouritesOnly(only).catch(fail)}
            >
              {t(only ? 'contacts.filter.favourites' : 'contacts.filter.all')}
            </button>
          ))}
        </div>
      </div>
      <div className="card list-card">
        {contacts.length === 0 ? (
          search || favouritesOnly ? (
            <EmptyState
              icon="contacts"
              title={t('contacts.noMatch.title')}
              body={t('contacts.noMatch.body')}
            />
          ) : (
            <EmptyState icon="contacts" title={t('contacts.empty.title')} body={t('contacts.empty.body')} />
          )
        ) : (
          <div className="contacts-list">
            <ul className="rows" aria-label={t('contacts.listLabel')}>
              {contacts.map((contact) => (
                <li key={contact.id} className="row contact-row">
                  <div className="row-main">
                    <p className="row-title">
                      {contact.name}
                      {contact.favourite && (
                        <span className="contact-favourite-mark">
                          <Icon name="star" size={14} filled />
                          <span className="visually-hidden">{t('contacts.favourite')}</span>
                        </span>
                      )}
                    </p>
                    {(contact.organisation || contact.email) && (
                      <p className="row-meta">
                        {[contact.organisation, contact.email].filter(Boolean).join(' · ')}
                      </p>
                    )}
                    {contact.note && <p className="row-meta contact-note">{contact.note}</p>}
                    <div className="contact-numbers">
                      {contact.numbers.map((entry, index) => {
                        const key = `${contact.id}:${index}`;
                        return (
                          <div className="contact-number" key={index}>
                            <span className="contact-number-label">
                              {t(`contacts.labels.${entry.label}`)}
                            </span>
                            <span className="contact-number-value">{entry.number}</span>
                            <IconButton
                              icon="phone"
                              variant="call"
                              size="small"
                              label={t('contacts.callNumber', {
                                name: contact.name,
                                label: t(`contacts.labels.${entry.label}`),
                                number: entry.number,
                              })}
                              onClick={() => void dialing.dial(key, entry.number)}
                            />
                            <Feedback message={numberFeedback(key, entry.number)} />
                          </div>
                        );
                      })}
                    </div>
                    {confirmDelete === contact.id && (
                      <div className="button-row contact-confirm">
                        <span role="alert">{t('contacts.deleteConfirm', { name: contact.name })}</span>
                        <button
                          type="button"
                          className="button button-danger"
                          onClick={() => void deleteContact(contact)}
                        >
                          {t('contacts.deleteYes')}
                        </button>
                        <button
                          type="button"
                          className="button button-secondary"
                          onClick={() => setConfirmDelete(null)}
                        >
                          {t('contacts.cancel')}
                        </button>
                      </div>
                    )}
                  </div>
                  <div className="row-actions">
                    <IconButton
                      icon="star"
                      size="small"
                      pressed={contact.favourite}
                      label={t('contacts.favouriteOf', { name: contact.name })}
                      onClick={() => void setFavourite(contact.id, !contact.favourite).catch(fail)}
                    />
                    <IconButton
                      icon="edit"
                      size="small"
                      label={t('contacts.editOf', { name: contact.name })}
                      onClick={() => {
                        setFeedback(null);
                        setEditing({ contact });
                      }}
                    />
                    <IconButton
                      icon="delete"
                      size="small"
                      label={t('contacts.deleteOf', { name: contact.name })}
                      onClick={() => setConfirmDelete(contact.id)}
                    />
                  </div>
                </li>
              ))}
            </ul>
            {hasMore && (
              <button type="button" className="link-button" onClick={() => void loadMore().catch(fail)}>
                {t('contacts.loadMore')}
              </button>
            )}
          </div>
        )}
      </div>
    </section>
  );
}
