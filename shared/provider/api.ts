import { z } from 'zod';

/** Responses of the provider API (provider-api.openapi.yaml), validated before the app uses them. */

export const SipCredentials = z
  .object({
    wssUrl: z.url({ protocol: /^wss$/, error: 'must be a wss:// URL' }),
    sipUri: z.string().regex(/^sips?:[^@\s]+@[^@\s]+$/, 'must be a SIP URI'),
    authorizationUser: z.string().min(1),
    realm: z.string().min(1),
    ha1: z
      .string()
      .regex(/^[0-9a-f]{32}$/)
      .optional(),
    password: z.string().min(1).optional(),
    expiresAt: z.iso.datetime({ offset: true }),
  })
  .refine((c) => (c.ha1 === undefined) !== (c.password === undefined), 'exactly one of ha1 and password');
export type SipCredentials = z.infer<typeof SipCredentials>;

export const AuditBatchResponse = z.object({
  accepted: z.array(z.uuid()),
  duplicates: z.array(z.uuid()),
  /**
   * The device's high-water mark: the last link of its chain the provider holds with nothing missing before
   * it (declared gaps count as held). The app compares it with its own log at every delivery.
   */
  head: z.object({ sequence: z.number().int().nonnegative() }).optional(),
});
export type AuditBatchResponse = z.infer<typeof AuditBatchResponse>;

const statusTime = z.iso.datetime({ offset: true });
const statusText = z.string().min(1).max(300);

/**
 * `GET /v1/status`: the provider's status page in brief. Limits keep a broken or hostile answer from
 * reaching the window (the app ignores an answer that does not parse).
 */
export const ServiceStatus = z.object({
  status: z.enum(['operational', 'degraded', 'outage']),
  incidents: z
    .array(
      z.object({
        id: z.string().min(1).max(128),
        title: statusText,
        status: z.enum(['investigating', 'identified', 'monitoring', 'resolved']),
        startedAt: statusTime,
      }),
    )
    .max(50),
  /** Planned maintenance, current and upcoming. */
  maintenance: z
    .array(
      z
        .object({
          id: z.string().min(1).max(128),
          title: statusText,
          startsAt: statusTime,
          endsAt: statusTime,
        })
        .refine((window) => Date.parse(window.startsAt) < Date.parse(window.endsAt), 'ends before it starts'),
    )
    .max(50)
    .default([]),
  /** The provider's public status page (https), which the app links to. */
  pageUrl: z
    .url({ protocol: /^https$/, error: 'must be an https:// URL' })
    .max(2048)
    .optional(),
});
export type ServiceStatus = z.infer<typeof ServiceStatus>;
