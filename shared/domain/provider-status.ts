import { z } from 'zod';
import { ServiceStatus } from '../provider/api.js';

/**
 * What main knows of the provider's status page (`GET /v1/status`, electron/provider-status): the last answer
 * that validated, while it is fresh; null before the first one, without a provider, or once it went stale.
 */
export const ProviderStatusState = z.object({ status: ServiceStatus.nullable() }).strict();
export type ProviderStatusState = z.infer<typeof ProviderStatusState>;
