import type {
  ChannelInput,
  ChannelName,
  ChannelOutput,
  EventName,
  EventPayload,
} from '../../shared/ipc/contract';
import { SoftphoneError } from '../../shared/ipc/errors';

function bridge() {
  const softphone = window.softphone;
  if (!softphone) throw new SoftphoneError({ code: 'not-available', message: 'window.softphone is missing' });
  return softphone;
}

export function hasBridge(): boolean {
  return window.softphone !== undefined;
}

/** Calls main through the contract; a failed call throws a SoftphoneError with its typed error. */
export async function call<C extends ChannelName>(
  channel: C,
  input: ChannelInput<C>,
): Promise<ChannelOutput<C>> {
  const result = await bridge().invoke(channel, input);
  if (!result.ok) throw new SoftphoneError(result.error);
  return result.value;
}

export function subscribe<E extends EventName>(
  event: E,
  listener: (payload: EventPayload<E>) => void,
): () => void {
  return bridge().on(event, listener);
}

/** The i18n key for an error from main: typed errors by code, anything else as "internal". */
export function errorKey(error: unknown): string {
  return error instanceof SoftphoneError ? `errors.${error.error.code}` : 'errors.internal';
}
