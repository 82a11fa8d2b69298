import type { CallView } from './call-view';

/**
 * What the call may claim about its encryption, from what is proven:
 * - `verified-end-to-end`: the people on the call compared the security code and it matched, so no one
 *   in between holds the media keys;
 * - `encrypted-not-verified`: the far end looks like another phone that ends the encryption itself (it
 *   announced the DTLS fingerprint its SDP carries, sdp-policy.ts), but a man in the middle could have
 *   forged both until the codes are compared;
 * - `encrypted-to-provider`: the media are encrypted to the provider's edge, which decrypts them;
 * - `securing`: the encryption is still being set up (or its state is not known yet);
 * - `code-mismatch`: the codes differ: someone may be listening in.
 */
export type SecurityClaim =
  'verified-end-to-end' | 'encrypted-not-verified' | 'encrypted-to-provider' | 'securing' | 'code-mismatch';

export function securityClaim(view: Pick<CallView, 'encryption' | 'sas' | 'sasMatched'>): SecurityClaim {
  const { encryption } = view;
  if (!encryption || encryption.dtlsState !== 'connected') return 'securing';
  if (encryption.scope !== 'peer' || !view.sas) return 'encrypted-to-provider';
  if (view.sasMatched === false) return 'code-mismatch';
  return view.sasMatched ? 'verified-end-to-end' : 'encrypted-not-verified';
}
