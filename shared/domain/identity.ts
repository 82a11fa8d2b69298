import { z } from 'zod';
import { signInMethods } from '../policy/schema.js';

/** Why a sign-in did not end signed in; each one has its own translated message in the renderer. */
export const signInErrorReasons = [
  /** The browser came back with another `state` than the app sent (a forged or mixed-up redirect). */
  'state-mismatch',
  /** The provider refused the code: it was used already, or expired (`invalid_grant`). */
  'code-replayed',
  /** The ID token names another issuer than the one the app is configured for. */
  'wrong-issuer',
  /** The ID token's signature does not verify with the issuer's published keys. */
  'bad-signature',
  /** The ID token has expired (or is not valid yet) beyond the clock tolerance. */
  'expired-token',
  /** Policy requires a second factor and the ID token shows none by the policy's MFA rule. */
  'mfa-missing',
  /** The person cancelled, in the app or on the provider's page. */
  'cancelled',
  /** Nobody came back from the browser in time. */
  'timeout',
  /** The provider could not be reached (or its certificate is not trusted). */
  'network',
  /** The e-mail address does not belong to a company domain of the policy. */
  'unknown-company',
  /** The provider answered with an error of its own. */
  'idp-error',
  /** The ID token failed another check (audience, nonce, claims). */
  'invalid-token',
  /** Signed in, but the provider gave no usable SIP credentials. */
  'provisioning',
  /** Signing in again to unlock: another account than the locked session's signed in. */
  'wrong-account',
  /** Policy names no provider (issuer) to sign in with. */
  'not-configured',
  /** The account's organisation (Entra tenant, Google Workspace domain) is not one policy allows. */
  'organisation-not-allowed',
  /** The sign-in page is not on the issuer's host (nor on one policy allows): it was not opened. */
  'unexpected-sign-in-page',
  /** The fixed loopback ports the IdP knows are all taken by other programs. */
  'loopback-unavailable',
] as const;
export type SignInErrorReason = (typeof signInErrorReasons)[number];

const SignInMethodSchema = z.enum(signInMethods);

export const SignedInUser = z.object({
  name: z.string().max(256),
  email: z.string().max(320),
  roles: z.array(z.enum(['admin', 'user'])),
  /**
   * The IdP left the roles out (Entra's groups overage: more than 200 groups): the person may be an
   * administrator, which the app cannot tell. Never a silent demotion: the app says so.
   */
  rolesUnknown: z.boolean().optional(),
  method: SignInMethodSchema,
});
export type SignedInUser = z.infer<typeof SignedInUser>;

const amrValue = z.string().max(32);

/**
 * Why a sign-in was refused for a missing second factor: what the ID token showed and what policy accepts,
 * so that support can tell the IdP's configuration from a person's mistake.
 */
export const MfaRefusal = z.object({
  amr: z.array(amrValue).max(20),
  acr: z.string().max(256).nullable(),
  acceptedAmr: z.array(amrValue).max(32),
  acceptedAcr: z.array(z.string().max(256)).max(10),
});
export type MfaRefusal = z.infer<typeof MfaRefusal>;

/**
 * Why a session ended without the person signing out: `expired`, its tokens ran out and the IdP gave no
 * refresh token; `revoked`, the IdP refused the refresh token (signed out elsewhere, revoked, expired).
 */
export const sessionEndings = ['expired', 'revoked'] as const;

export const SignInState = z.discriminatedUnion('status', [
  z.object({ status: z.literal('signed-out'), ended: z.enum(sessionEndings).optional() }),
  z.object({ status: z.literal('in-progress'), method: SignInMethodSchema }),
  z.object({ status: z.literal('signed-in'), user: SignedInUser }),
  z.object({
    status: z.literal('error'),
    reason: z.enum(signInErrorReasons),
    method: SignInMethodSchema,
    mfa: MfaRefusal.optional(),
  }),
]);
export type SignInState = z.infer<typeof SignInState>;

export const StartSignIn = z
  .object({
    method: SignInMethodSchema,
    /** Company SSO: the work e-mail address, whose domain picks the company and becomes the login hint. */
    email: z.email().max(320).optional(),
  })
  .strict();
export type StartSignIn = z.infer<typeof StartSignIn>;

/** Beyond this many seconds of difference from the provider's clock, the app warns (TOTP and token checks). */
export const CLOCK_SKEW_WARNING_SECONDS = 60;

export const ClockSkew = z.object({
  /** Seconds this computer's clock is ahead of the provider's; null until the provider answered. */
  seconds: z.number().int().nullable(),
});
export type ClockSkew = z.infer<typeof ClockSkew>;
