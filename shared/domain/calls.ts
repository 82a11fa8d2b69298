import { z } from 'zod';

/**
 * Call lifecycle events, reported by the renderer's phone engine to main, where history and audit
 * consume them. Validated in main like every IPC input; they carry no media and no secrets.
 */
export const callDispositions = ['answered', 'missed', 'declined', 'busy', 'failed', 'cancelled'] as const;
export type CallDisposition = (typeof callDispositions)[number];

/**
 * Why a call ended, as the phone engine names it (renderer/phone/call-state.ts maps SIP responses, JsSIP
 * causes and the engine's own decisions onto these): the `cause` of an `ended` event.
 * - the ordinary ends: `hung-up` (by us), `far-end-hung-up`, `cancelled` (we gave up before an answer),
 *   `missed` (the caller gave up), `declined-here` (we declined), `transferred` (our leg ended because a
 *   transfer completed), `replaced` (an attended transfer elsewhere took the call over), `do-not-disturb`;
 * - final responses of the far end or the provider: `busy` (486/600), `declined` (603), `forbidden`
 *   (401/403/407), `not-found` (404/604), `unavailable` (480/410), `timeout` (408, or no answer at all),
 *   `incomplete-number` (484), `terminated` (487 we did not ask for), `incompatible` (488/606/420),
 *   `server-error` (5xx), `redirect-refused` (3xx we do not follow), `unsupported-extension` (a caller
 *   that requires a SIP extension we lack: 100rel);
 * - what the far end's SDP carried: `sdes-only` (SDES keys, no DTLS fingerprint), `unencrypted` (no keys
 *   at all), `no-rtcp-mux` (RTCP on its own port, which browsers refuse);
 * - media and network: `media-failed` (ICE, DTLS or the SDP failed), `no-audio` (the media watchdog hung
 *   up), `network` (the connection to the provider was lost);
 * - `failed`: anything else.
 */
/** The ordinary ends, which the person caused or expects (the app shows no notice for them). */
export const ordinaryEndReasons = [
  'hung-up',
  'far-end-hung-up',
  'cancelled',
  'missed',
  'declined-here',
  'transferred',
  'replaced',
  'do-not-disturb',
] as const;

export const endReasons = [
  ...ordinaryEndReasons,
  'busy',
  'declined',
  'forbidden',
  'not-found',
  'unavailable',
  'timeout',
  'incomplete-number',
  'terminated',
  'incompatible',
  'server-error',
  'redirect-refused',
  'unsupported-extension',
  'sdes-only',
  'unencrypted',
  'no-rtcp-mux',
  'media-failed',
  'no-audio',
  'network',
  'failed',
] as const;
export type EndReason = (typeof endReasons)[number];

export const MediaEncryption = z.object({
  /** DTLS transport state from getStats. */
  dtlsState: z.enum(['new', 'connecting', 'connected', 'closed', 'failed']).nullable(),
  /** SRTP cipher suite from getStats, e.g. AES_CM_128_HMAC_SHA1_80 or AEAD_AES_256_GCM. */
  srtpCipher: z.string().max(64).nullable(),
  /**
   * Who ends the DTLS of the call's media: `peer`, a phone that announced the very fingerprint its SDP
   * carries (end to end once the security codes are compared); `to-provider`, a gateway of the provider
   * (or a far end that announced nothing); `unknown` without a DTLS fingerprint.
   */
  scope: z.enum(['peer', 'to-provider', 'unknown']),
});
export type MediaEncryption = z.infer<typeof MediaEncryption>;

const callId = z.string().min(1).max(128);
const sipUri = z
  .string()
  .max(512)
  .regex(/^sips?:/, 'must be a SIP URI');
const timestamp = z.number().int().nonnegative();

export const CallEvent = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('started'),
      callId,
      at: timestamp,
      direction: z.enum(['incoming', 'outgoing']),
      account: sipUri,
      remoteUri: sipUri,
      remoteName: z.string().max(256).nullable(),
    })
    .strict(),
  z.object({ type: z.literal('ringing'), callId, at: timestamp }).strict(),
  z.object({ type: z.literal('answered'), callId, at: timestamp }).strict(),
  z
    .object({
      type: z.literal('held'),
      callId,
      at: timestamp,
      by: z.enum(['local', 'remote']),
      held: z.boolean(),
    })
    .strict(),
  z
    .object({ type: z.literal('transferred'), callId, at: timestamp, target: sipUri, attended: z.boolean() })
    .strict(),
  z.object({ type: z.literal('encryption'), callId, at: timestamp, encryption: MediaEncryption }).strict(),
  z.object({ type: z.literal('sasCompared'), callId, at: timestamp, matched: z.boolean() }).strict(),
  z
    .object({
      type: z.literal('ended'),
      callId,
      at: timestamp,
      disposition: z.enum(callDispositions),
      cause: z.string().max(128),
    })
    .strict(),
]);
export type CallEvent = z.infer<typeof CallEvent>;
