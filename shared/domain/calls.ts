import { z } from 'zod';

/**
 * Call lifecycle events, reported by the renderer's phone engine to main, where history and audit
 * consume them. Validated in main like every IPC input; they carry no media and no secrets.
 */
export const callDispositions = ['answered', 'missed', 'declined', 'busy', 'failed', 'cancelled'] as const;
export type CallDisposition = (typeof callDispositions)[number];

export const MediaEncryption = z.object({
  /** DTLS transport state from getStats. */
  dtlsState: z.enum(['new', 'connecting', 'connected', 'closed', 'failed']).nullable(),
  /** SRTP cipher suite from getStats, e.g. AES_CM_128_HMAC_SHA1_80 or AEAD_AES_256_GCM. */
  srtpCipher: z.string().max(64).nullable(),
  /** Whether the far end is the peer (end to end) or a media gateway of the provider. */
  scope: z.enum(['end-to-end', 'to-provider', 'unknown']),
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
