import { describeIssue, inStore, type PolicyProblem } from '../policy/problems.js';

/**
 * The one text main shows itself: why the app could not start (before any window, so outside the
 * renderer's catalogs). German on a German system, English otherwise.
 */
const texts = {
  de: {
    title: 'Secure Softphone kann nicht starten',
    invalidPolicy: (location: string) =>
      `Die Richtlinie Ihrer Organisation in ${location} ist ungültig. Bitte wenden Sie sich an Ihre IT-Abteilung. Fehlerhafte Einträge:`,
    other: 'Ein unerwarteter Fehler ist aufgetreten. Bitte wenden Sie sich an Ihre IT-Abteilung.',
  },
  en: {
    title: 'Secure Softphone cannot start',
    invalidPolicy: (location: string) =>
      `Your organisation's policy in ${location} is not valid. Please contact your IT department. Entries at fault:`,
    other: 'An unexpected error occurred. Please contact your IT department.',
  },
} as const;

export function startupFailureMessage(
  systemLocale: string,
  failure:
    | { kind: 'invalid-policy'; location: string; problems: PolicyProblem[] }
    | { kind: 'other'; detail: string },
): { title: string; body: string } {
  const language = /^de\b/i.test(systemLocale) ? 'de' : 'en';
  const text = texts[language];
  if (failure.kind === 'invalid-policy') {
    // Each problem in the system's language; one without its issue as data only has its English message.
    const lines = failure.problems.map(
      (problem) =>
        `• ${problem.key}: ${problem.issue ? inStore(describeIssue(problem.issue, language), problem.where) : problem.message}`,
    );
    return { title: text.title, body: [text.invalidPolicy(failure.location), ...lines].join('\n') };
  }
  return { title: text.title, body: `${text.other}\n\n${failure.detail}` };
}
