import { z } from 'zod';
import { CountryCode } from '../settings/settings.js';
import { isGlobalAccelerator } from './accelerator.js';
import {
  IDP_KIND_DEFAULTS,
  idpKinds,
  MULTI_FACTOR_AMR,
  RESERVED_AUTHORIZATION_PARAMETERS,
} from '../provider/idp-kinds.js';
import { describeIssue, policyProblem, type PolicyIssue, type PolicyProblem } from './problems.js';

const HTTPS_URL = describeIssue({ code: 'https-url' });
const WSS_URL = describeIssue({ code: 'wss-url' });
const SPKI_HASH = describeIssue({ code: 'spki-hash' });
const ICE_URL = describeIssue({ code: 'ice-url' });
const KEY_COMBINATION = describeIssue({ code: 'key-combination' });
/** The sign-in formats, each with its own words in both languages. */
const signInFormats = [
  'amr-value',
  'json-pointer',
  'sip-uri-template',
  'host-name',
  'scope-token',
  'parameter-name',
  'reserved-parameter',
  'tenant-id',
  'mail-domain',
] as const;
const FORMAT = Object.fromEntries(signInFormats.map((code) => [code, describeIssue({ code })])) as Record<
  (typeof signInFormats)[number],
  string
>;
const HANGUP_AFTER_WARNING: PolicyIssue = { code: 'longer-than', other: 'mediaTimeoutSeconds' };
/** Format errors by the message the schema gives them. */
const formatIssues: Record<string, PolicyIssue> = {
  [HTTPS_URL]: { code: 'https-url' },
  [WSS_URL]: { code: 'wss-url' },
  [SPKI_HASH]: { code: 'spki-hash' },
  [ICE_URL]: { code: 'ice-url' },
  [KEY_COMBINATION]: { code: 'key-combination' },
  [describeIssue(HANGUP_AFTER_WARNING)]: HANGUP_AFTER_WARNING,
  [describeIssue({ code: 'country-code' })]: { code: 'country-code' },
  ...Object.fromEntries(signInFormats.map((code) => [FORMAT[code], { code }])),
};

const httpsUrl = z.url({ protocol: /^https$/, error: HTTPS_URL }).describe('An https:// URL');
const wssUrl = z.url({ protocol: /^wss$/, error: WSS_URL }).describe('A wss:// URL');
const spkiSha256 = z
  .string()
  .regex(/^[A-Za-z0-9+/]{43}=$/, SPKI_HASH)
  .describe('Base64 SHA-256 of the certificate public key (SPKI)');

/** A STUN or TURN server for ICE (RFC 8489 / RFC 8656); TURN over TLS where a firewall allows only 443. */
export const IceServer = z
  .object({
    urls: z
      .array(z.string().regex(/^(stun|turn|turns):[^\s]+$/, ICE_URL))
      .min(1)
      .max(4)
      .describe('One to four stun:, turn: or turns: URLs of the same server'),
    username: z.string().max(200).optional().describe('TURN user name'),
    credential: z.string().max(200).optional().describe('TURN password'),
  })
  .strict();
export type IceServer = z.infer<typeof IceServer>;

const accelerator = z
  .string()
  .max(80)
  .refine(isGlobalAccelerator, KEY_COMBINATION)
  .nullable()
  .describe('A key combination in Electron accelerator syntax, or null for none');

/** Global shortcuts for calls: they work while another program has the focus (electron/platform). */
export const GlobalShortcutsPolicy = z
  .object({
    enabled: z.boolean().optional().describe('Global shortcuts on or off; set, users cannot change it'),
    answer: accelerator.optional().describe('Answers the ringing call'),
    hangup: accelerator.optional().describe('Hangs up the current call, or declines a ringing one'),
    mute: accelerator.optional().describe('Turns the microphone off and on again'),
  })
  .strict();
export type GlobalShortcutsPolicy = z.infer<typeof GlobalShortcutsPolicy>;
export const callShortcutActions = ['answer', 'hangup', 'mute'] as const;
export type CallShortcutAction = (typeof callShortcutActions)[number];

/** Chosen so that no common program and no German AltGr character (Ctrl+Alt) uses them. */
export const defaultGlobalShortcuts: Record<CallShortcutAction, string> = {
  answer: 'CommandOrControl+Alt+Shift+A',
  hangup: 'CommandOrControl+Alt+Shift+H',
  mute: 'CommandOrControl+Alt+Shift+M',
};
/**
 * What proves a second factor at sign-in: any `amr` value of `amr`, an `acr` of `acr` (asked for with
 * `acr_values`), or IT's statement that the IdP enforces it (Conditional Access, 2-Step Verification).
 */
export const MfaRule = z
  .object({
    amr: z
      .array(z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, FORMAT['amr-value']))
      .max(32)
      .optional()
      .describe('amr values that prove a second factor (default: the multi-factor values of RFC 8176)'),
    acr: z
      .array(z.string().min(1).max(256))
      .max(10)
      .optional()
      .describe('acr values that prove a second factor, asked for as acr_values (default per kind)'),
    enforcedByIdp: z
      .boolean()
      .optional()
      .describe('IT attests that the IdP enforces a second factor for this app (default false)'),
  })
  .strict();
export type MfaRule = z.infer<typeof MfaRule>;

export const signInMethods = ['google', 'apple', 'company', 'provider'] as const;
export type SignInMethod = (typeof signInMethods)[number];

/** A JSON Pointer (RFC 6901) into a token's claims, e.g. `/realm_access/roles` or `/https:~1~1example.com~1roles`. */
const jsonPointer = z
  .string()
  .max(300)
  .regex(/^(\/([^~]|~[01])*)+$/, FORMAT['json-pointer'])
  .describe('A JSON Pointer (RFC 6901) into the token claims; {clientId} stands for the client id');
const claimValue = z.string().min(1).max(256);
/** A SIP URI template: `${claim}` or `${claim:localpart}` take a claim of the ID token. */
const sipUriTemplate = z
  .string()
  .max(512)
  .regex(/^sips?:[^@\s]+@[^@\s;]+$/i, FORMAT['sip-uri-template']);
const hostName = z
  .string()
  .max(253)
  .regex(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/i, FORMAT['host-name']);

/**
 * Where the SIP account comes from when there is no provider API: a template over the ID token's claims
 * (the password is entered once and kept in the keychain for the session).
 */
export const SipAccountTemplate = z
  .object({
    uri: sipUriTemplate.describe('SIP URI template, e.g. sip:${preferred_username}@pbx.example'),
    authorizationUser: z
      .string()
      .min(1)
      .max(256)
      .optional()
      .describe('Digest user name template; default: the user part of the URI'),
    realm: z.string().min(1).max(256).optional().describe('Digest realm; default: the domain of the URI'),
  })
  .strict();
export type SipAccountTemplate = z.infer<typeof SipAccountTemplate>;

export const ProviderEndpoints = z
  .object({
    issuer: httpsUrl.describe('OIDC issuer: the provider login broker or the company IdP (https://)'),
    clientId: z.string().min(1).max(200).describe('OIDC client id of this app at the issuer'),
    wssUrl: wssUrl.describe('SIP over secure WebSocket endpoint (wss://, RFC 7118)'),
    apiBaseUrl: httpsUrl
      .optional()
      .describe(
        'Base URL of the provider API (https://; its paths /v1/... lie below it); without it the SIP account comes from sipAccount or the manual form',
      ),
    kind: z
      .enum(idpKinds)
      .optional()
      .describe('Kind of issuer: broker (default), generic, entra, google, okta, keycloak or auth0'),
    clientSecret: z
      .string()
      .min(1)
      .max(512)
      .optional()
      .describe('Client secret of a desktop client that must send one (Google); not confidential'),
    scopes: z
      .array(z.string().regex(/^[\x21\x23-\x5b\x5d-\x7e]{1,128}$/, FORMAT['scope-token']))
      .max(20)
      .optional()
      .describe("Scopes asked for in addition to the kind's defaults"),
    authorizationParameters: z
      .record(
        z
          .string()
          .regex(/^[a-z][a-z0-9_]{0,63}$/, FORMAT['parameter-name'])
          .refine(
            (name) => !(RESERVED_AUTHORIZATION_PARAMETERS as readonly string[]).includes(name),
            FORMAT['reserved-parameter'],
          ),
        z.string().max(512),
      )
      .optional()
      .describe('Extra authorization request parameters, e.g. {"audience": "...", "domain_hint": "..."}'),
    roleClaims: z
      .array(jsonPointer)
      .max(10)
      .optional()
      .describe('Where roles are in the tokens, as JSON Pointers tried in order (default per kind)'),
    adminRoles: z
      .array(claimValue)
      .max(50)
      .optional()
      .describe('Role values (or group IDs) that make a user an administrator (default: admin)'),
    rolesFromAccessToken: z
      .boolean()
      .optional()
      .describe(
        'Also read roles from the access token when it is a JWT for this app (default: keycloak only)',
      ),
    admins: z
      .array(claimValue)
      .max(200)
      .optional()
      .describe('Administrators by ID-token subject or e-mail address, for IdPs without roles (Google)'),
    tenants: z
      .array(
        z
          .string()
          .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, FORMAT['tenant-id']),
      )
      .max(50)
      .optional()
      .describe('Entra ID: the tenant IDs (tid) allowed to sign in; required for a multi-tenant issuer'),
    hostedDomain: hostName
      .optional()
      .describe('Google Workspace: the domain (hd claim) every account must belong to'),
    loopbackPorts: z
      .array(z.number().int().min(1024).max(65535))
      .min(1)
      .max(10)
      .optional()
      .describe('Fixed loopback ports for the redirect, tried in order, for IdPs that match ports exactly'),
    sipAccount: SipAccountTemplate.optional().describe(
      'Without a provider API: the SIP account from the ID token, e.g. {"uri": "sip:${preferred_username}@pbx.example"}',
    ),
  })
  .strict();
export type ProviderEndpoints = z.infer<typeof ProviderEndpoints>;

/**
 * Managed policy, as IT deploys it. Every key is optional in the file; `resolvePolicy` fills defaults.
 * Keys set in the file lock the matching setting in the UI.
 */
export const PolicyFile = z
  .object({
    provider: ProviderEndpoints.optional().describe(
      'The issuer and the SIP edge (and the provider API, if any). Set, users cannot point the app at another provider.',
    ),
    signInMethods: z
      .array(z.enum(signInMethods))
      .min(1)
      .optional()
      .describe(
        'Sign-in methods offered: google, apple, company (enterprise SSO) and provider (provider account)',
      ),
    companyDomains: z
      .array(z.string().regex(/^[a-z0-9.-]+\.[a-z]{2,}$/i, FORMAT['mail-domain']))
      .optional()
      .describe('E-mail domains of the company, for the company sign-in (e.g. example.eu)'),
    requireMfa: z
      .boolean()
      .optional()
      .describe('Refuse a sign-in that does not show a second factor by the mfa rule'),
    mfa: MfaRule.optional().describe(
      'What proves a second factor: amr values, acr values, or the IdP enforcing it (enforcedByIdp)',
    ),
    idleLockMinutes: z
      .number()
      .int()
      .min(1)
      .max(1440)
      .optional()
      .describe('Minutes without input after which the app locks'),
    sessionMaxAgeHours: z
      .number()
      .int()
      .min(1)
      .max(24 * 90)
      .optional()
      .describe('Hours after sign-in after which unlocking needs a fresh sign-in'),
    historyRetentionDays: z
      .number()
      .int()
      .min(1)
      .max(3650)
      .nullable()
      .optional()
      .describe('Call history older than this many days is deleted (at start and daily); null keeps it'),
    auditRetentionDays: z
      .number()
      .int()
      .min(1)
      .max(3650)
      .optional()
      .describe(
        'Audit events the provider has acknowledged are kept on the device this many days (default 90); undelivered ones are always kept',
      ),
    allowManualSipAccount: z
      .boolean()
      .optional()
      .describe('Allow users to enter a SIP account by hand instead of the provisioned one'),
    pinnedSpkiSha256: z
      .array(spkiSha256)
      .optional()
      .describe('Pinned public keys of the provider servers (base64 SPKI SHA-256); empty: no pinning'),
    extraCaCertificates: z
      .array(z.string().includes('-----BEGIN CERTIFICATE-----'))
      .optional()
      .describe('Extra CA certificates (PEM) trusted for the provider in addition to the system roots'),
    defaultCountry: CountryCode.optional().describe(
      'Country (ISO 3166-1 alpha-2) for national phone numbers, e.g. DE',
    ),
    language: z.enum(['de', 'en']).optional().describe('Language of the app; unset, it follows the system'),
    updateChannel: z.enum(['stable', 'beta']).optional().describe('Update channel'),
    updateUrl: httpsUrl.optional().describe('https:// URL of the update server (generic provider)'),
    updatesDisabled: z.boolean().optional().describe('Turn automatic updates off'),
    allowExport: z.boolean().optional().describe('Allow users to export their own data'),
    allowDelete: z.boolean().optional().describe('Allow users to delete all their data on this device'),
    iceServers: z
      .array(IceServer)
      .max(8)
      .optional()
      .describe('STUN/TURN servers for calls, at most 8; none by default'),
    runInBackground: z
      .boolean()
      .optional()
      .describe('Closing the window keeps the app running in the tray, reachable for calls (default on)'),
    startAtLogin: z
      .boolean()
      .optional()
      .describe('Start the app, in the background, when the user signs in to the computer (default off)'),
    globalShortcuts: GlobalShortcutsPolicy.optional().describe(
      'Global shortcuts for answering, hanging up and muting, usable while another program has the focus',
    ),
    allowDevTools: z
      .boolean()
      .optional()
      .describe(
        'Allow the developer tools in the installed app, for support only (default off); applies at the next start',
      ),
    allowTransferByFarEnd: z
      .boolean()
      .optional()
      .describe('Follow a transfer the other side of a call asks for (SIP REFER); default true'),
    mediaTimeoutSeconds: z
      .number()
      .int()
      .min(2)
      .max(300)
      .optional()
      .describe('Seconds without audio from the other side (RTP or RTCP) before a call says so; default 10'),
    mediaHangupSeconds: z
      .number()
      .int()
      .min(5)
      .max(3600)
      .optional()
      .describe('Seconds without audio from the other side in all before the call is ended; default 60'),
    openExternalAllowList: z
      .array(hostName)
      .max(20)
      .optional()
      .describe('Extra https hosts the app may open in the browser (sign-in pages beyond the issuer)'),
  })
  .strict()
  .refine((file) => (file.mediaHangupSeconds ?? 60) > (file.mediaTimeoutSeconds ?? 10), {
    message: describeIssue(HANGUP_AFTER_WARNING),
    path: ['mediaHangupSeconds'],
  });
export type PolicyFile = z.infer<typeof PolicyFile>;

/** The MFA rule with its defaults filled in. */
export interface EffectiveMfaRule {
  amr: string[];
  acr: string[];
  enforcedByIdp: boolean;
}

export interface EffectivePolicy {
  provider: ProviderEndpoints | null;
  signInMethods: SignInMethod[];
  companyDomains: string[];
  requireMfa: boolean;
  mfa: EffectiveMfaRule;
  idleLockMinutes: number;
  sessionMaxAgeHours: number;
  historyRetentionDays: number | null;
  auditRetentionDays: number;
  allowManualSipAccount: boolean;
  pinnedSpkiSha256: string[];
  extraCaCertificates: string[];
  defaultCountry: string | null;
  language: 'de' | 'en' | null;
  updateChannel: 'stable' | 'beta';
  updateUrl: string | null;
  updatesDisabled: boolean;
  allowExport: boolean;
  allowDelete: boolean;
  iceServers: IceServer[];
  runInBackground: boolean;
  startAtLogin: boolean;
  globalShortcuts: { enabled: boolean } & Record<CallShortcutAction, string | null>;
  allowDevTools: boolean;
  allowTransferByFarEnd: boolean;
  mediaTimeoutSeconds: number;
  mediaHangupSeconds: number;
  openExternalAllowList: string[];
}

export const EffectivePolicySchema = z.object({
  provider: ProviderEndpoints.nullable(),
  signInMethods: z.array(z.enum(signInMethods)),
  companyDomains: z.array(z.string()),
  requireMfa: z.boolean(),
  mfa: z.object({ amr: z.array(z.string()), acr: z.array(z.string()), enforcedByIdp: z.boolean() }),
  idleLockMinutes: z.number(),
  sessionMaxAgeHours: z.number(),
  historyRetentionDays: z.number().nullable(),
  auditRetentionDays: z.number(),
  allowManualSipAccount: z.boolean(),
  pinnedSpkiSha256: z.array(z.string()),
  extraCaCertificates: z.array(z.string()),
  defaultCountry: z.string().nullable(),
  language: z.enum(['de', 'en']).nullable(),
  updateChannel: z.enum(['stable', 'beta']),
  updateUrl: z.string().nullable(),
  updatesDisabled: z.boolean(),
  allowExport: z.boolean(),
  allowDelete: z.boolean(),
  iceServers: z.array(IceServer),
  runInBackground: z.boolean(),
  startAtLogin: z.boolean(),
  globalShortcuts: z.object({
    enabled: z.boolean(),
    answer: z.string().nullable(),
    hangup: z.string().nullable(),
    mute: z.string().nullable(),
  }),
  allowDevTools: z.boolean(),
  allowTransferByFarEnd: z.boolean(),
  mediaTimeoutSeconds: z.number(),
  mediaHangupSeconds: z.number(),
  openExternalAllowList: z.array(z.string()),
}) satisfies z.ZodType<EffectivePolicy>;

export function resolvePolicy(file: PolicyFile): EffectivePolicy {
  return {
    provider: file.provider ?? null,
    signInMethods: file.signInMethods ?? [...signInMethods],
    companyDomains: file.companyDomains ?? [],
    requireMfa: file.requireMfa ?? true,
    mfa: {
      amr: file.mfa?.amr ?? [...MULTI_FACTOR_AMR],
      acr: file.mfa?.acr ?? [...IDP_KIND_DEFAULTS[file.provider?.kind ?? 'broker'].mfaAcr],
      enforcedByIdp: file.mfa?.enforcedByIdp ?? false,
    },
    idleLockMinutes: file.idleLockMinutes ?? 15,
    sessionMaxAgeHours: file.sessionMaxAgeHours ?? 12,
    historyRetentionDays: file.historyRetentionDays ?? null,
    auditRetentionDays: file.auditRetentionDays ?? 90,
    allowManualSipAccount: file.allowManualSipAccount ?? true,
    pinnedSpkiSha256: file.pinnedSpkiSha256 ?? [],
    extraCaCertificates: file.extraCaCertificates ?? [],
    defaultCountry: file.defaultCountry ?? null,
    language: file.language ?? null,
    updateChannel: file.updateChannel ?? 'stable',
    updateUrl: file.updateUrl ?? null,
    updatesDisabled: file.updatesDisabled ?? false,
    allowExport: file.allowExport ?? true,
    allowDelete: file.allowDelete ?? true,
    // None by default: on the provider's network host candidates suffice, and no third party learns of calls.
    iceServers: file.iceServers ?? [],
    runInBackground: file.runInBackground ?? true,
    startAtLogin: file.startAtLogin ?? false,
    globalShortcuts: {
      enabled: file.globalShortcuts?.enabled ?? true,
      answer:
        file.globalShortcuts?.answer !== undefined
          ? file.globalShortcuts.answer
          : defaultGlobalShortcuts.answer,
      hangup:
        file.globalShortcuts?.hangup !== undefined
          ? file.globalShortcuts.hangup
          : defaultGlobalShortcuts.hangup,
      mute:
        file.globalShortcuts?.mute !== undefined ? file.globalShortcuts.mute : defaultGlobalShortcuts.mute,
    },
    allowDevTools: file.allowDevTools ?? false,
    allowTransferByFarEnd: file.allowTransferByFarEnd ?? true,
    mediaTimeoutSeconds: file.mediaTimeoutSeconds ?? 10,
    mediaHangupSeconds: file.mediaHangupSeconds ?? 60,
    openExternalAllowList: file.openExternalAllowList ?? [],
  };
}

export type { PolicyProblem };

export type PolicyParseResult = { ok: true; policy: PolicyFile } | { ok: false; problems: PolicyProblem[] };

/** What zod found, as data (PolicyIssue) rather than zod's English. */
function issueOf(issue: z.core.$ZodIssue): PolicyIssue {
  switch (issue.code) {
    case 'invalid_type':
      return { code: 'wrong-type', expected: issue.expected };
    case 'too_small':
    case 'too_big': {
      const of = issue.origin === 'string' ? 'length' : issue.origin === 'array' ? 'entries' : 'value';
      return issue.code === 'too_small'
        ? { code: 'too-small', minimum: Number(issue.minimum), of }
        : { code: 'too-big', maximum: Number(issue.maximum), of };
    }
    case 'invalid_value':
      return { code: 'not-allowed', allowed: issue.values.map(String) };
    case 'invalid_format':
    case 'custom':
      // The policy's own formats and checks say which they are in their message (see the top of this file).
      return formatIssues[issue.message] ?? { code: 'wrong-format' };
    case 'invalid_key':
      // A bad key of a map (authorizationParameters): what is wrong with the key itself.
      return issue.issues[0] ? issueOf(issue.issues[0]) : { code: 'wrong-format' };
    default:
      return { code: 'wrong-format' };
  }
}

export function parsePolicy(raw: unknown): PolicyParseResult {
  const result = PolicyFile.safeParse(raw);
  if (result.success) return { ok: true, policy: result.data };
  return {
    ok: false,
    problems: result.error.issues.flatMap((issue) => {
      if (issue.code === 'unrecognized_keys') {
        return issue.keys.map((key) =>
          policyProblem([...issue.path, key].join('.'), { code: 'unknown-key' }),
        );
      }
      return [policyProblem(issue.path.join('.') || '(root)', issueOf(issue))];
    }),
  };
}
