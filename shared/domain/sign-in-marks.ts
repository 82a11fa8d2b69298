/**
 * User Timing marks of a sign-in's steps after the browser's redirect, for the DevTools performance panel
 * and `npm run bench -- signin`, which reports the time of each step from the loopback callback. Main's
 * marks are in its process (the browser shell runs main's services in the bench's Node process), the
 * renderer's in the page.
 */
export const signInMarks = {
  /** Main: the loopback listener got the redirect. */
  callback: 'softphone:signin:callback',
  /** Main: the code is redeemed and the ID token checked (openid-client's checks). */
  tokens: 'softphone:signin:tokens',
  /** Main: the policy's checks of the person (organisation, second factor). */
  checked: 'softphone:signin:checked',
  /** Main: the roles are known (from the tokens, or from userinfo). */
  roles: 'softphone:signin:roles',
  /** Main: the SIP account is known (provider API credentials, or the policy's template). */
  sipAccount: 'softphone:signin:sip-account',
  /** Main: the session is kept and the state says signed in. */
  signedIn: 'softphone:signin:signed-in',
  /** Renderer: the form for the password of a templated SIP account is shown. */
  passwordAsked: 'softphone:signin:password-asked',
  /** Renderer: the person saved that password. */
  passwordAnswered: 'softphone:signin:password-answered',
} as const;

export type SignInMark = (typeof signInMarks)[keyof typeof signInMarks];

/** A mark where the runtime has User Timing (Node, Chromium); a no-op elsewhere. */
export function markSignIn(name: SignInMark): void {
  (globalThis as { performance?: { mark?(name: string): unknown } }).performance?.mark?.(name);
}
