import jsonpointer from 'jsonpointer';
import type { SignedInUser } from '../../shared/domain/identity.js';

/** Where roles were found, in the order they are looked for. */
export type RoleSource = 'id-token' | 'userinfo' | 'access-token';

/** The claims of one source, or null when the source is not available (no userinfo endpoint, opaque token). */
export type ClaimSet = Record<string, unknown> | null;

export type RolesFound =
  | { status: 'found'; source: RoleSource; values: string[] }
  /** The IdP left the claim out and points elsewhere (Entra's groups overage, OIDC distributed claims). */
  | { status: 'unknown'; source: RoleSource }
  | { status: 'absent' };

const MAX_VALUES = 500;

/** RFC 6901 escaping, so that a client id with `/` or `~` names one key. */
function escapeSegment(value: string): string {
  return value.replace(/~/g, '~0').replace(/\//g, '~1');
}

function pointerFor(template: string, clientId: string): string {
  return template.replace(/\{clientId\}/g, escapeSegment(clientId));
}

/** The values at a pointer: an array's strings, an object's keys (Zitadel), or one string. */
function valuesAt(claims: Record<string, unknown>, pointer: string): string[] | null {
  let value: unknown;
  try {
    value = jsonpointer.get(claims, pointer);
  } catch {
    return null;
  }
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === 'string');
  if (typeof value === 'string') return [value];
  if (value !== null && typeof value === 'object') return Object.keys(value);
  return null;
}

/** The claim a pointer starts with, as it would be named in `_claim_names` (OIDC Core 5.6.2). */
function topClaim(pointer: string): string {
  return (pointer.split('/')[1] ?? '').replace(/~1/g, '/').replace(/~0/g, '~');
}

function rolesIn(claims: Record<string, unknown>, pointers: readonly string[]): string[] | 'unknown' | null {
  const found = pointers.map((pointer) => valuesAt(claims, pointer)).filter((v) => v !== null);
  if (found.length > 0) return [...new Set(found.flat())].slice(0, MAX_VALUES);
  const claimNames = claims._claim_names;
  if (claimNames !== null && typeof claimNames === 'object') {
    if (pointers.some((pointer) => Object.hasOwn(claimNames, topClaim(pointer)))) return 'unknown';
  }
  return null;
}

/**
 * The roles of a sign-in from the claim paths of the policy: the ID token first, then userinfo, then the
 * access token (when policy opts in and it is a JWT for this client). The first source that has them, or
 * that points elsewhere for them (a groups overage), decides.
 */
export function findRoles(
  sources: Record<RoleSource, ClaimSet>,
  pointers: readonly string[],
  clientId: string,
): RolesFound {
  const resolved = pointers.map((pointer) => pointerFor(pointer, clientId));
  for (const source of ['id-token', 'userinfo', 'access-token'] as const) {
    const claims = sources[source];
    if (!claims || resolved.length === 0) continue;
    const roles = rolesIn(claims, resolved);
    if (roles === 'unknown') return { status: 'unknown', source };
    if (roles !== null) return { status: 'found', source, values: roles };
  }
  return { status: 'absent' };
}

export interface AdminRule {
  adminRoles: readonly string[];
  /** Administrators by subject, or by e-mail address where the IdP verified it. */
  admins: readonly string[];
}

/**
 * The app's roles for a person: `admin` when a role value is one of the policy's administrator roles or
 * the person is on its list of administrators; `user` otherwise. When the IdP left the roles out, the
 * answer is "unknown", never a silent `user` (unless the list names them).
 */
export function appRoles(
  found: RolesFound,
  idToken: Record<string, unknown>,
  rule: AdminRule,
): Pick<SignedInUser, 'roles' | 'rolesUnknown'> {
  const sub = typeof idToken.sub === 'string' ? idToken.sub : null;
  const email =
    typeof idToken.email === 'string' && idToken.email_verified === true ? idToken.email.toLowerCase() : null;
  const listed = rule.admins.some(
    (entry) => entry === sub || (email !== null && entry.toLowerCase() === email),
  );
  if (listed) return { roles: ['admin'] };
  if (found.status === 'unknown') return { roles: [], rolesUnknown: true };
  if (found.status === 'found' && found.values.some((value) => rule.adminRoles.includes(value)))
    return { roles: ['admin'] };
  return { roles: ['user'] };
}
