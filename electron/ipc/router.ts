import type { z } from 'zod';
import {
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
  /** Called with unexpected service failures; never with user data from the input. */
  onInternalError?(channel: ChannelName, error: unknown): void;
}

export interface IpcRouter {
  handle(senderUrl: unknown, channel: unknown, input: unknown): Promise<IpcResult<unknown>>;
}

function fieldsOf(error: z.ZodError): string[] {
  return error.issues.map((issue) => issue.path.join('.') || '(input)');
}

/**
 * The one entry point for calls from a renderer: checks the sender, the channel, the role the channel
 * needs (shared/ipc/contract.ts) and the input before any service runs, and the output before anything
 * goes back.
 */
export function createIpcRouter(handlers: ChannelHandlers, options: RouterOptions): IpcRouter {
  return {
    async handle(senderUrl, channel, input) {
      if (typeof senderUrl !== 'string' || !options.isTrustedSender(senderUrl)) {
        return { ok: false, error: { code: 'forbidden-sender', message: 'sender is not the app' } };
      }
      if (!isChannelName(channel)) {
        return { ok: false, error: { code: 'unknown-channel', message: 'unknown channel' } };
      }
      // Before the input is even parsed: a caller without the role learns nothing about the channel.
      const role = requiredRoleOf(channel);
      if (role !== null && !options.roles().includes(role)) {
        const code: IpcErrorCode = `${role}-required`;
        return { ok: false, error: { code, message: `${channel} needs the ${role} role` } };
      }
      const spec = channels[channel];
      const parsed = spec.input.safeParse(input);
      if (!parsed.success) {
        return {
          ok: false,
          error: {
            code: 'invalid-input',
            message: `invalid input for ${channel}`,
            fields: fieldsOf(parsed.error),
          },
        };
      }
      let value: unknown;
      try {
        const handler = handlers[channel] as (input: unknown) => unknown;
        value = await handler(parsed.data);
      } catch (error) {
        if (error instanceof ServiceError) {
          return { ok: false, error: { code: error.code, message: error.message } };
        }
        options.onInternalError?.(channel, error);
        return { ok: false, error: { code: 'internal', message: `${channel} failed` } };
      }
      const output = spec.output.safeParse(value);
      if (!output.success) {
        options.onInternalError?.(channel, output.error);
        return {
          ok: false,
          error: { code: 'invalid-output', message: `${channel} produced invalid output` },
        };
      }
      return { ok: true, value: output.data };
    },
  };
}
