import { z } from 'zod';

/**
 * A proxy as the system's configuration names it: `host:port` (IPv6 hosts in brackets). Never with
 * credentials.
 */
export const ProxyName = z
  .string()
  .min(3)
  .max(300)
  .regex(/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/);
export type ProxyName = z.infer<typeof ProxyName>;

/** The proxy asked for a sign-in; `refused`: the user name and password it was given were not accepted. */
const ProxyChallenge = z.object({ proxy: ProxyName, refused: z.boolean() }).strict();

/**
 * Signing in to the company's proxy (electron/net/proxy-sign-in.ts). The password never crosses IPC
 * towards the window; it goes to main once, when the person types it.
 */
export const ProxySignInState = z
  .object({
    /** The proxy the sign-in dialog asks for now; null while no dialog is open. */
    asking: ProxyChallenge.nullable(),
    /** Proxies that asked and got no answer (the person cancelled, or the app was locked): "sign-in needed". */
    needed: z.array(ProxyChallenge),
    /** Proxies with a user name and password in the keychain (Settings shows the user name, never the password). */
    saved: z.array(z.object({ proxy: ProxyName, username: z.string().max(256) }).strict()),
  })
  .strict();
export type ProxySignInState = z.infer<typeof ProxySignInState>;

/**
 * What the person typed. Basic authentication joins user name and password with a colon, so a user name
 * must have none; neither may hold control characters (they would end the header).
 */
export const ProxySignInAnswer = z
  .object({
    proxy: ProxyName,
    username: z
      .string()
      .min(1)
      .max(256)
      .regex(/^[^:\p{Cc}]+$/u),
    password: z
      .string()
      .max(1024)
      .regex(/^\P{Cc}*$/u),
  })
  .strict();
export type ProxySignInAnswer = z.infer<typeof ProxySignInAnswer>;

export const ProxyRef = z.object({ proxy: ProxyName }).strict();
