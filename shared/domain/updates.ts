import { z } from 'zod';

/**
 * The state of automatic updates, as Settings shows it:
 * - `unavailable`: this build cannot update itself (development, the browser shell, a deb/rpm install);
 * - `disabled-by-policy` / `not-configured`: policy turned updates off, or set no update URL;
 * - then checking, up to date, downloading, ready to install (on restart), or an error.
 */
export const UpdateStatus = z.discriminatedUnion('state', [
  z.object({ state: z.literal('unavailable') }),
  z.object({ state: z.literal('disabled-by-policy') }),
  z.object({ state: z.literal('not-configured') }),
  z.object({ state: z.literal('idle') }),
  z.object({ state: z.literal('checking') }),
  z.object({ state: z.literal('up-to-date'), checkedAt: z.number().int() }),
  z.object({
    state: z.literal('downloading'),
    version: z.string().max(64),
    percent: z.number().min(0).max(100),
  }),
  z.object({ state: z.literal('ready'), version: z.string().max(64) }),
  z.object({ state: z.literal('error'), message: z.string().max(500) }),
]);
export type UpdateStatus = z.infer<typeof UpdateStatus>;
