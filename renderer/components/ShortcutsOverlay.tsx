import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { create } from 'zustand';
import { callActions } from '../state/call-shortcuts';
import { useShortcut } from './use-shortcut';

export const useShortcutsOverlay = create<{ open: boolean; setOpen(open: boolean): void }>()((set) => ({
  open: false,
  setOpen: (open) => set({ open }),
}));

/** The keyboard shortcuts, on `?` or from the navigation; Escape or Close returns to where the person was. */
export function ShortcutsOverlay() {
  const { t } = useTranslation();
  const shortcut = useShortcut();
  const open = useShortcutsOverlay((s) => s.open);
  const setOpen = useShortcutsOverlay((s) => s.setOpen);
  const close = useRef<HTMLButtonElement>(null);
  const returnTo = useRef<Element | null>(null);

  useEffect(() => {
    if (!open) return;
    returnTo.current = document.activeElement;
    close.current?.focus();
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') {
        event.preventDefault();
        setOpen(false);
      } else if (event.key === 'Tab') {
        // The only control inside is Close: the focus stays on it.
        event.preventDefault();
        close.current?.focus();
      }
    };
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('keydown', onKey);
      if (returnTo.current instanceof HTMLElement) returnTo.current.focus();
    };
  }, [open, setOpen]);

  if (!open) return null;
  return (
    <div className="dialog-backdrop">
      <div
        className="card dialog shortcuts"
        role="dialog"
        aria-modal="true"
        aria-labelledby="shortcuts-title"
      >
        <h2 id="shortcuts-title" className="card-title">
          {t('shortcuts.title')}
        </h2>
        <p className="hint">{t('shortcuts.intro')}</p>
        <table className="shortcuts-table">
          <caption className="visually-hidden">{t('shortcuts.title')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('shortcuts.action')}</th>
              <th scope="col">{t('shortcuts.keys')}</th>
            </tr>
          </thead>
          <tbody>
            {callActions.map((action) => (
              <tr key={action}>
                <td>{t(`shortcuts.actions.${action}`)}</td>
                <td>
                  <kbd>{shortcut(action).label}</kbd>
                </td>
              </tr>
            ))}
            <tr>
              <td>{t('shortcuts.actions.digits')}</td>
              <td>
                <kbd>0</kbd>–<kbd>9</kbd> <kbd>*</kbd> <kbd>#</kbd>
              </td>
            </tr>
            <tr>
              <td>{t('shortcuts.actions.help')}</td>
              <td>
                <kbd>?</kbd>
              </td>
            </tr>
          </tbody>
        </table>
        <p className="hint">{t('shortcuts.global')}</p>
        <div className="button-row">
          <button ref={close} type="button" className="button button-primary" onClick={() => setOpen(false)}>
            {t('shortcuts.close')}
          </button>
        </div>
      </div>
    </div>
  );
}
