import type { TFunction } from 'i18next';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { regionName } from '../i18n/region-name';
import { failureOf } from '../state/call-outcome';
import { useAppStore } from '../state/app-store';
import { usePhoneStore, type DialProblem, type DialResult } from '../state/phone-store';
import type { FeedbackMessage } from './Feedback';

const inputProblems: ReadonlySet<DialProblem> = new Set([
  'empty',
  'invalidCharacters',
  'invalidNumber',
  'invalidSipUri',
]);

/** Whether a press of Call failed because what was to be dialled is not a number or address. */
export function isInputProblem(problem: DialProblem): boolean {
  return inputProblems.has(problem);
}

/** The text for a press of Call that did not start a call. */
export function dialProblemText(
  t: TFunction,
  problem: DialProblem,
  context: { country: string; label: string | null },
): string {
  switch (problem) {
    case 'empty':
    case 'invalidCharacters':
    case 'invalidNumber':
    case 'invalidSipUri':
      return t(`phone.errors.${problem}`, { country: regionName(context.country) });
    case 'no-account':
      return t('phone.noAccount', { target: context.label ?? '' });
    case 'not-registered':
      return t('phone.notRegistered');
    default:
      return t(`call.problems.${problem}`);
  }
}

type PhoneStoreState = ReturnType<typeof usePhoneStore.getState>;

/** Runs `then` once the call `id` is on the screen (in progress or failed); returns the cancellation. */
function whenShown(id: string, then: () => void): () => void {
  const shown = (state: PhoneStoreState) =>
    state.calls.some((view) => view.id === id) || state.failed.some((view) => view.id === id);
  if (shown(usePhoneStore.getState())) {
    then();
    return () => {};
  }
  const unsubscribe = usePhoneStore.subscribe((state) => {
    if (!shown(state)) return;
    unsubscribe();
    then();
  });
  return unsubscribe;
}

/**
 * Dialling from a place on a screen (the dial field, a contact's number, a History row): the outcome of
 * the latest press is shown where it was pressed, also when the call fails later (busy, not reachable).
 * `key` names the place; only the latest press speaks.
 */
export function useDialFeedback() {
  const { t } = useTranslation();
  const dial = usePhoneStore((s) => s.dial);
  const failed = usePhoneStore((s) => s.failed);
  const country = useAppStore((s) => s.settings?.settings.defaultCountry ?? 'DE');
  const [attempt, setAttempt] = useState<{ key: string; result: DialResult | null } | null>(null);
  const latest = useRef(0);
  const cancelWait = useRef(() => {});
  useEffect(() => () => cancelWait.current(), []);

  // While a call is placed, the screen is not redrawn for nothing (setup-hold.ts): a press redraws only
  // to clear what the last one said, and a call placed is noted once it is shown (it says nothing until it fails).
  const start = useCallback(
    async (key: string, target: string): Promise<DialResult | null> => {
      const press = (latest.current += 1);
      cancelWait.current();
      setAttempt((previous) => (previous?.result ? { key, result: null } : previous));
      const result = await dial(target);
      if (press !== latest.current) return null;
      if (result.ok) cancelWait.current = whenShown(result.id, () => setAttempt({ key, result }));
      else setAttempt({ key, result });
      return result;
    },
    [dial],
  );

  const clear = useCallback(() => {
    latest.current += 1;
    cancelWait.current();
    setAttempt(null);
  }, []);

  /** Why the latest press at `key` did not start a call, if it did not. */
  const problemFor = (key: string): DialProblem | null => {
    const result = attempt?.key === key ? attempt.result : null;
    return result && !result.ok ? result.problem : null;
  };

  const messageFor = (key: string): FeedbackMessage => {
    const result = attempt?.key === key ? attempt.result : null;
    if (!result) return null;
    if (!result.ok)
      return { kind: 'error', text: dialProblemText(t, result.problem, { country, ...result }) };
    const view = failed.find((candidate) => candidate.id === result.id);
    const reason = view && failureOf(view);
    return reason
      ? {
          kind: 'error',
          text: t('call.failed', { who: result.label, reason: t(`call.endReason.${reason}`) }),
        }
      : null;
  };

  return { dial: start, clear, messageFor, problemFor };
}

export type DialFeedback = ReturnType<typeof useDialFeedback>;
