import { useEffect } from 'react';
import { hasBridge, subscribe } from '../ipc/client';
import { actionOfKey, performCallAction } from '../state/call-shortcuts';
import { useShortcutsOverlay } from './ShortcutsOverlay';

function typing(target: EventTarget | null): boolean {
  return (
    target instanceof HTMLElement && (target.isContentEditable || !!target.closest('input, textarea, select'))
  );
}

/**
 * The call shortcuts in the window (also while typing: they all need Ctrl/⌘ and Shift), `?` for the
 * overlay (not while typing), and the global shortcuts main reports while another program has the focus.
 */
export function useCallShortcuts(): void {
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const action = actionOfKey(event);
      if (action) {
        if (performCallAction(action)) event.preventDefault();
        return;
      }
      if (event.key === '?' && !event.ctrlKey && !event.metaKey && !event.altKey && !typing(event.target)) {
        event.preventDefault();
        useShortcutsOverlay.getState().setOpen(true);
      }
    };
    window.addEventListener('keydown', onKey);
    const stop = hasBridge()
      ? subscribe('call.shortcut', ({ action }) => void performCallAction(action))
      : () => undefined;
    return () => {
      window.removeEventListener('keydown', onKey);
      stop();
    };
  }, []);
}
