export type FeedbackMessage = { kind: 'error' | 'status'; text: string } | null;

/** The outcome of an action: errors are alerts, everything else a polite status. */
export function Feedback({ message, id }: { message: FeedbackMessage; id?: string }) {
  if (!message) return null;
  return (
    <p
      id={id}
      className={`feedback feedback-${message.kind}`}
      role={message.kind === 'error' ? 'alert' : 'status'}
    >
      {message.text}
    </p>
  );
}
