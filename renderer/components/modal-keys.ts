import { useEffect, type RefObject } from 'react';

/**
 * The keys of a modal dialog: Escape calls `onEscape`, Tab and Shift+Tab cycle through the dialog's
 * `focusable` elements and never leave it.
 */
export function useModalKeys(
  dialog: RefObject<HTMLElement | null>,
  onEscape: () => void,
  focusable = 'button:not([disabled])',
): void {
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key === 'Escape') {
        event.preventDefault();
        onEscape();
        return;
      }
      if (event.key !== 'Tab' || !dialog.current) return;
      const elements = [...dialog.current.querySelectorAll<HTMLElement>(focusable)];
      const first = elements[0];
      const last = elements.at(-1);
      if (!first || !last) return;
      const inside = dialog.current.contains(document.activeElement);
      if (event.shiftKey && (document.activeElement === first || !inside)) {
        event.preventDefault();
        last.focus();
      } else if (!event.shiftKey && (document.activeElement === last || !inside)) {
        event.preventDefault();
        first.focus();
      }
    };
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, [dialog, onEscape, focusable]);
}
