import type { HandlersFor } from '../ipc/router.js';
import type { UpdateService } from './update-service.js';

/** The Updates section's channels: status, "Check now", and restart into a downloaded update. */
export function updateHandlers(
  updates: UpdateService,
): HandlersFor<'updates.status' | 'updates.check' | 'updates.install'> {
  return {
    'updates.status': () => updates.status(),
    'updates.check': () => updates.check(),
    'updates.install': () => updates.install(),
  };
}
