import { useCallPanelStore, primaryCall } from './call-panel-store';
import { usePhoneStore } from './phone-store';

/** Call controls with a keyboard shortcut in the window (the global ones are main's: answer, hang up, mute). */
export const callActions = ['answer', 'decline', 'hangup', 'mute', 'hold', 'keypad'] as const;
export type CallAction = (typeof callActions)[number];

/** Ctrl+Shift (⌘⇧ on macOS) and a letter: no field, list or screen reader uses these. */
const letters: Record<CallAction, string> = {
  answer: 'A',
  decline: 'D',
  hangup: 'E',
  mute: 'M',
  hold: 'H',
  keypad: 'K',
};

export interface Shortcut {
  /** For aria-keyshortcuts: "Control+Shift+M". */
  aria: string;
  /** For people, in their language: "Ctrl+Shift+M", "Strg+Umschalt+M", "⌘⇧M" on macOS. */
  label: string;
}

function onMac(): boolean {
  return /mac/i.test(navigator.platform);
}

/** The shortcut of an action; `names` are the key names on the person's keyboard (Ctrl, Shift). */
export function shortcutOf(action: CallAction, names: { ctrl: string; shift: string }): Shortcut {
  const letter = letters[action];
  return onMac()
    ? { aria: `Meta+Shift+${letter}`, label: `⌘⇧${letter}` }
    : { aria: `Control+Shift+${letter}`, label: `${names.ctrl}+${names.shift}+${letter}` };
}

/** The call action a key press asks for, if any. */
export function actionOfKey(
  event: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'shiftKey' | 'altKey'>,
) {
  const modifier = onMac() ? event.metaKey && !event.ctrlKey : event.ctrlKey && !event.metaKey;
  if (!modifier || !event.shiftKey || event.altKey) return null;
  const key = event.key.toUpperCase();
  return callActions.find((action) => letters[action] === key) ?? null;
}

/**
 * Does what a shortcut (in the window, or global from main) asks, on the call it concerns: answer and
 * decline the call that rings; hang up, mute, hold and keypad the call the panel shows. Returns whether
 * there was such a call.
 */
export function performCallAction(action: CallAction): boolean {
  const { calls, engine } = usePhoneStore.getState();
  const panel = useCallPanelStore.getState();
  const phone = engine();
  const ringing = calls.find((view) => view.state === 'incoming');
  const current = primaryCall(calls, panel.selectedId);
  switch (action) {
    case 'answer':
      if (ringing) void phone.answer(ringing.id);
      return ringing !== undefined;
    case 'decline':
      if (ringing) phone.decline(ringing.id);
      return ringing !== undefined;
    case 'hangup':
      if (!current) return false;
      if (current.state === 'incoming') phone.decline(current.id);
      else phone.hangup(current.id);
      return true;
    case 'mute':
    case 'hold':
    case 'keypad': {
      if (current?.state !== 'active') return false;
      if (action === 'mute') phone.setMuted(current.id, !current.muted);
      else if (action === 'hold') phone.setHold(current.id, !current.heldLocally);
      else panel.toggle(current.id, 'keypad');
      return true;
    }
  }
}
