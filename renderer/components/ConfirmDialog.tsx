import { useEffect, useId, useRef, type ReactNode } from 'react';
import { useModalKeys } from './modal-keys';

interface ConfirmDialogProps {
  title: string;
  children: ReactNode;
  confirmLabel: string;
  cancelLabel: string;
  /** The confirming button is styled as dangerous. */
  danger?: boolean;
  busy?: boolean;
  onConfirm(): void;
  onCancel(): void;
}

/**
 * A modal confirmation: focus starts on Cancel (the safe choice), stays inside while it is open, and
 * Escape cancels. The caller returns focus to whatever opened it.
 */
export function ConfirmDialog(props: ConfirmDialogProps) {
  const { onCancel } = props;
  const titleId = useId();
  const bodyId = useId();
  const dialog = useRef<HTMLDivElement>(null);
  const cancel = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    cancel.current?.focus();
  }, []);

  useModalKeys(dialog, onCancel);

  return (
    <div className="dialog-backdrop">
      <div
        ref={dialog}
        className="card dialog"
        role="alertdialog"
        aria-modal="true"
        aria-labelledby={titleId}
        aria-describedby={bodyId}
      >
        <h2 id={titleId} className="card-title">
          {props.title}
        </h2>
        <div id={bodyId}>{props.children}</div>
        <div className="button-row">
          <button
            type="button"
            className={`button ${props.danger ? 'button-danger' : 'button-primary'}`}
            disabled={props.busy}
            onClick={props.onConfirm}
          >
            {props.confirmLabel}
          </button>
          <button ref={cancel} type="button" className="button button-secondary" onClick={onCancel}>
            {props.cancelLabel}
          </button>
        </div>
      </div>
    </div>
  );
}
