import type { z } from 'zod';
import {
  answersWhileLocked,
  channels,
  isChannelName,
  requiredRoleOf,
  type ChannelInput,
  type ChannelName,
  type ChannelOutput,
  type UserRole,
} from '../../shared/ipc/contract.js';
import { ServiceError, type IpcErrorCode, type IpcResult } from '../../shared/ipc/errors.js';

export type ChannelHandlers = {
  [C in ChannelName]: (input: ChannelInput<C>) => Promise<ChannelOutput<C>> | ChannelOutput<C>;
};

/** The handlers one unit offers (a unit owns its state alone and answers its own channels). */
export type HandlersFor<C extends ChannelName> = Pick<ChannelHandlers, C>;

type Merged<T extends readonly object[]> = T extends readonly [
  infer Head,
  ...infer Rest extends readonly object[],
]
  ? Head & Merged<Rest>
  : unknown;

/**
 * The units' handler tables as one: the router's parameter type makes sure every channel has a handler, and
 * a channel that two units answer is a wiring mistake that stops the app at start.
 */
export function mergeHandlers<T extends readonly Partial<ChannelHandlers>[]>(...parts: T): Merged<T> {
  const merged: Partial<Record<ChannelName, unknown>> = {};
  for (const part of parts)
    for (const channel of Object.keys(part) as ChannelName[]) {
      if (Object.hasOwn(merged, channel)) throw new Error(`two units answer the channel ${channel}`);
      merged[channel] = part[channel];
    }
  return merged as Merged<T>;
}

export interface RouterOptions {
  /** Decides whether a frame URL belongs to the app's own origin. */
  isTrustedSender(senderUrl: string): boolean;
  /**
   * The roles of the signed-in user, from the ID token (the sign-in service); none while signed out. Asked
   * on every call, so that a sign-out or another account takes effect at once.
   */
  roles(): readonly UserRole[];
  /**
   * Whether the session is locked (the session-lock controller). While it is, only the channels the contract
   * marks `answers` in `whileLocked` are served; every other one is refused with `locked`.
   */
  locked(): boolean;
  /** Called with unexpected service failures; never with user data from the input. */
  onInternalError?(channel: ChannelName, error: unknown): void;
}

export interface IpcRouter {
  handle(senderUrl: unknown, channel: unknown, input: unknown): Promise<IpcResult<unknown>>;
}

function fieldsOf(error: z.ZodError): string[] {
  return error.issues.map((issue) => issue.path.join('.') || '(input)');
}

const failure = (code: IpcErrorCode, message: string, fields?: string[]): IpcResult<never> => ({
  ok: false,
  error: { code, message, ...(fields && { fields }) },
});

/**
 * The one entry point for calls from a renderer: checks the sender, the channel, the session lock, the
 * role the channel needs (shared/ipc/contract.ts) and the input before any service runs, and the output
 * before anything goes back.
 */
export function createIpcRouter(handlers: ChannelHandlers, options: RouterOptions): IpcRouter {
  /** Input, handler and output: whatever throws in there (a schema too) is a failure result, never a rejection. */
  const serve = async (channel: ChannelName, input: unknown): Promise<IpcResult<unknown>> => {
    const spec = channels[channel];
    try {
      const parsed = spec.input.safeParse(input);
      if (!parsed.success)
        return failure('invalid-input', `invalid input for ${channel}`, fieldsOf(parsed.error));
      const handler = handlers[channel] as (input: unknown) => unknown;
      const output = spec.output.safeParse(await handler(parsed.data));
      if (!output.success) {
        options.onInternalError?.(channel, output.error);
        return failure('invalid-output', `${channel} produced invalid output`);
      }
      return { ok: true, value: output.data };
    } catch (error) {
      if (error instanceof ServiceError) return failure(error.code, error.message);
      options.onInternalError?.(channel, error);
      return failure('internal', `${channel} failed`);
    }
  };
  return {
    async handle(senderUrl, channel, input) {
      if (typeof senderUrl !== 'string' || !options.isTrustedSender(senderUrl))
        return failure('forbidden-sender', 'sender is not the app');
      if (!isChannelName(channel)) return failure('unknown-channel', 'unknown channel');
      // Before the input is even parsed: a locked app, or a caller without the role, learns nothing more.
      if (options.locked() && !answersWhileLocked(channel))
        return failure('locked', `${channel} is not available while locked`);
      const role = requiredRoleOf(channel);
      if (role !== null && !options.roles().includes(role))
        return failure(`${role}-required`, `${channel} needs the ${role} role`);
      return serve(channel, input);
    },
  };
}
