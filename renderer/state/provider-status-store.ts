import { create } from 'zustand';
import type { ServiceStatus } from '../../shared/provider/api';
import { call, subscribe } from '../ipc/client';
import { usePhoneStore } from './phone-store';

interface ProviderStatusStore {
  /** The provider's status page as main last read it (null: nothing known, or no provider). */
  status: ServiceStatus | null;
  /** The notice the person hid (its key, provider-notice.ts). */
  hidden: string | null;
  /** Opening the status page failed (shown next to the link). */
  pageFailed: boolean;
  hide(key: string): void;
  openPage(): Promise<void>;
}

export const useProviderStatusStore = create<ProviderStatusStore>()((set) => ({
  status: null,
  hidden: null,
  pageFailed: false,
  hide: (key) => set({ hidden: key }),
  async openPage() {
    set({ pageFailed: false });
    try {
      await call('providerStatus.openPage', undefined);
    } catch {
      set({ pageFailed: true });
    }
  },
}));

/**
 * Follows main's view of the status page, and tells main when the phone's registration fails (main asks the
 * status page at once then). Returns the function that stops both.
 */
export function watchProviderStatus(): () => void {
  const apply = ({ status }: { status: ServiceStatus | null }) =>
    useProviderStatusStore.setState({ status, pageFailed: false });
  const stopEvents = subscribe('providerStatus.changed', apply);
  void call('providerStatus.get', undefined).then(apply, () => {
    // Without an answer there is nothing to show; the next change comes as an event.
  });
  const stopRegistration = usePhoneStore.subscribe((state, previous) => {
    if (state.registration.state === 'error' && previous.registration.state !== 'error')
      void call('providerStatus.registrationFailed', undefined).catch(() => undefined);
  });
  return () => {
    stopEvents();
    stopRegistration();
  };
}
