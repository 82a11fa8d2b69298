/** Error codes every IPC call may return. The renderer translates them by code (i18n key `errors.<code>`). */
export const ipcErrorCodes = [
  'invalid-input',
  'unknown-channel',
  'forbidden-sender',
  'invalid-output',
  'refused',
  /** The channel is for administrators (the `admin` role of the ID token), and the caller is not one. */
  'admin-required',
  /** The session is locked: main answers only the lock screen's and a ringing call's channels until unlock. */
  'locked',
  'not-available',
  'internal',
] as const;

export type IpcErrorCode = (typeof ipcErrorCodes)[number];

export interface IpcError {
  code: IpcErrorCode;
  /** Developer-facing detail in English; never shown to users untranslated. */
  message: string;
  /** For invalid input: the paths of the offending fields. */
  fields?: string[];
}

export type IpcResult<T> = { ok: true; value: T } | { ok: false; error: IpcError };

/** Thrown by services for an expected refusal; the router turns it into a typed result. */
export class ServiceError extends Error {
  constructor(
    readonly code: IpcErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ServiceError';
  }
}

/** The renderer-side error for a failed call, carrying the typed error. */
export class SoftphoneError extends Error {
  constructor(readonly error: IpcError) {
    super(error.message);
    this.name = 'SoftphoneError';
  }
}
