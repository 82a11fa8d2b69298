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
});
export type AuditBatchResponse = z.infer<typeof AuditBatchResponse>;

export const ServiceStatus = z.object({
  status: z.enum(['operational', 'degraded', 'outage']),
  incidents: z.array(
    z.object({
      id: z.string(),
      title: z.string(),
      status: z.enum(['investigating', 'identified', 'monitoring', 'resolved']),
      startedAt: z.iso.datetime({ offset: true }),
    }),
  ),
});
export type ServiceStatus = z.infer<typeof ServiceStatus>;
