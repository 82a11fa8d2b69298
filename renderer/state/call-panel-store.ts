import { create } from 'zustand';
import type { CallView } from '../phone/engine';

/** What the call panel shows below the caller: the keypad, the transfer form, or the security details. */
export type CallPane = 'keypad' | 'transfer' | 'details';

interface CallPanelState {
  /** The call the person chose to see (a click on a waiting or held call); null: chosen by state. */
  selectedId: string | null;
  /** The open pane and the call it belongs to: another call never inherits it. */
  pane: { callId: string; pane: CallPane } | null;
  /** Keypad tones sent in each call, so that the person sees what they typed (the last 32). */
  sentTones: Record<string, string>;
  select(id: string | null): void;
  addSentTone(callId: string, tone: string): void;
  /** Opens `pane` for the call, or closes it when it is open. */
  toggle(callId: string, pane: CallPane): void;
  close(): void;
}

export const useCallPanelStore = create<CallPanelState>()((set, get) => ({
  selectedId: null,
  pane: null,
  sentTones: {},
  select: (selectedId) => set({ selectedId }),
  addSentTone: (callId, tone) =>
    set((state) => ({
      sentTones: { ...state.sentTones, [callId]: ((state.sentTones[callId] ?? '') + tone).slice(-32) },
    })),
  toggle(callId, pane) {
    const open = get().pane;
    set({ pane: open?.callId === callId && open.pane === pane ? null : { callId, pane } });
  },
  close: () => set({ pane: null }),
}));

const rank: Record<CallView['state'], number> = { active: 0, dialing: 1, ringing: 1, incoming: 2, ended: 3 };

/**
 * The call the panel shows in full: the one chosen, else the one being talked on, else one being set up,
 * else one on hold, else a ringing one. A call ringing while another is in progress waits above it.
 */
export function primaryCall(calls: readonly CallView[], selectedId: string | null): CallView | null {
  const live = calls.filter((view) => view.state !== 'ended');
  const selected = live.find((view) => view.id === selectedId);
  if (selected) return selected;
  const order = (view: CallView) => rank[view.state] * 2 + (view.heldLocally ? 1 : 0);
  return [...live].sort((a, b) => order(a) - order(b))[0] ?? null;
}
