import * as client from 'openid-client';
import type { MfaRefusal, SignInErrorReason } from '../../shared/domain/identity.js';
import type { signInFailureReasons } from '../../shared/audit/catalog.js';

/** A sign-in that ended without a session, with the reason the person is told. */
export class SignInError extends Error {
  /** For `mfa-missing`: the evidence the ID token showed and what policy accepts. */
  readonly mfa?: MfaRefusal;

  constructor(
    readonly reason: SignInErrorReason,
    message: string,
    options?: { cause?: unknown; mfa?: MfaRefusal },
  ) {
    super(message, options);
    this.name = 'SignInError';
    if (options?.mfa) this.mfa = options.mfa;
  }
}

const NETWORK_CODES =
  /^(E(CONNREFUSED|CONNRESET|HOSTUNREACH|NETUNREACH|NOTFOUND|AI_AGAIN|TIMEDOUT|PIPE)|UND_ERR_.*|CERT_.*|UNABLE_TO_.*|SELF_SIGNED_CERT_IN_CHAIN|DEPTH_ZERO_SELF_SIGNED_CERT|ERR_TLS_.*)$/;

function causes(error: unknown): unknown[] {
  const chain: unknown[] = [];
  let current: unknown = error;
  while (current !== undefined && current !== null && chain.length < 8 && !chain.includes(current)) {
    chain.push(current);
    current = (current as { cause?: unknown }).cause;
  }
  return chain;
}

/**
 * The ID token's claims when openid-client refused it only for its `iss` (the claims were read from a token
 * whose signature it had checked, when non-repudiation checks are on); null for any other error.
 */
export function issuerMismatchClaims(error: unknown): Record<string, unknown> | null {
  for (const link of causes(error)) {
    const { code, cause } = link as { code?: unknown; cause?: { claim?: unknown; claims?: unknown } };
    if (code === 'OAUTH_JWT_CLAIM_COMPARISON_FAILED' && cause?.claim === 'iss') {
      const claims = cause.claims;
      return claims !== null && typeof claims === 'object' ? (claims as Record<string, unknown>) : null;
    }
  }
  return null;
}

/** Names what openid-client (or the network below it) refused. */
export function classifySignInError(error: unknown): SignInError {
  if (error instanceof SignInError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const wrap = (reason: SignInErrorReason) => new SignInError(reason, message, { cause: error });
  if (error instanceof client.ResponseBodyError) {
    return wrap(error.error === 'invalid_grant' ? 'code-replayed' : 'idp-error');
  }
  if (error instanceof client.AuthorizationResponseError) {
    if (error.error === 'access_denied') return wrap('cancelled');
    // OIDC's Unmet Authentication Requirements: the IdP could not meet the essential acr policy asks for.
    if (error.error === 'unmet_authentication_requirements') return wrap('mfa-missing');
    return wrap('idp-error');
  }
  for (const link of causes(error)) {
    const code = (link as { code?: unknown }).code;
    if (typeof code === 'string' && NETWORK_CODES.test(code)) return wrap('network');
    const name = (link as { name?: unknown }).name;
    if (name === 'AbortError' || name === 'TimeoutError') return wrap('network');
  }
  // openid-client wraps oauth4webapi's OperationProcessingError: the code is on a link of the chain.
  let oauthError = false;
  for (const link of causes(error)) {
    const code = (link as { code?: unknown }).code;
    if (typeof code !== 'string' || !code.startsWith('OAUTH_')) continue;
    oauthError = true;
    const text = link instanceof Error ? link.message : '';
    const claim = (link as { cause?: { claim?: unknown } }).cause?.claim;
    if (code === 'OAUTH_JWT_CLAIM_COMPARISON_FAILED' && claim === 'iss') return wrap('wrong-issuer');
    if (code === 'OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED' && /issuer/.test(text)) return wrap('wrong-issuer');
    if (code === 'OAUTH_JWT_TIMESTAMP_CHECK_FAILED') return wrap('expired-token');
    if (code === 'OAUTH_KEY_SELECTION_FAILED') return wrap('bad-signature');
    if (code === 'OAUTH_INVALID_RESPONSE' && /signature verification failed/.test(text))
      return wrap('bad-signature');
    if (code === 'OAUTH_INVALID_RESPONSE' && /"state"/.test(text)) return wrap('state-mismatch');
    if (code === 'OAUTH_RESPONSE_IS_NOT_JSON' || code === 'OAUTH_RESPONSE_IS_NOT_CONFORM')
      return wrap('idp-error');
  }
  if (oauthError) return wrap('invalid-token');
  if (error instanceof TypeError && /fetch|network/i.test(message)) return wrap('network');
  return wrap('idp-error');
}

type AuditFailureReason = (typeof signInFailureReasons)[number];

/** The audit catalog's coarser reason for a failed sign-in (mfa-missing has an event of its own). */
export function auditReasonOf(reason: SignInErrorReason): AuditFailureReason {
  switch (reason) {
    case 'cancelled':
    case 'timeout':
    case 'state-mismatch':
    case 'network':
    case 'idp-error':
    case 'invalid-token':
      return reason;
    case 'wrong-issuer':
    case 'bad-signature':
    case 'expired-token':
    case 'mfa-missing':
    case 'organisation-not-allowed':
    case 'wrong-account': // recorded as before this reason had a name of its own
      return 'invalid-token';
    case 'code-replayed':
    case 'unexpected-sign-in-page':
      return 'idp-error';
    case 'unknown-company':
    case 'provisioning':
    case 'not-configured':
    case 'loopback-unavailable':
      return 'error';
  }
}
