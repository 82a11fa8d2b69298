import { create } from 'zustand';
import type { AppInfo, SettingsState } from '../../shared/ipc/contract';
import type { EffectivePolicy } from '../../shared/policy/schema';
import type { SettingsPatch } from '../../shared/settings/settings';
import { call, errorKey, hasBridge, subscribe } from '../ipc/client';
import { takeReloadState } from './connect-reload';
import type { Screen } from './screens';

type LoadState =
  | { status: 'loading' }
  | { status: 'ready' }
  | { status: 'failed'; errorKey: string }
  | { status: 'no-bridge' };

interface AppState {
  load: LoadState;
  screen: Screen;
  /** Counts navigations, so that choosing the current screen again still moves focus to its heading. */
  visit: number;
  info: AppInfo | null;
  settings: SettingsState | null;
  policy: EffectivePolicy | null;
  start(): Promise<void>;
  navigate(screen: Screen): void;
  updateSettings(patch: SettingsPatch): Promise<void>;
}

/** App-wide state: what main told us (info, settings, policy) and which screen is open. */
export const useAppStore = create<AppState>()((set, get) => ({
  load: { status: 'loading' },
  screen: 'signIn',
  visit: 0,
  info: null,
  settings: null,
  policy: null,
  async start() {
    if (!hasBridge()) {
      set({ load: { status: 'no-bridge' } });
      return;
    }
    subscribe('settings.changed', (settings) => set({ settings }));
    subscribe('policy.changed', (policy) => set({ policy }));
    try {
      const [info, settings, policy] = await Promise.all([
        call('app.getInfo', undefined),
        call('settings.get', undefined),
        call('policy.get', undefined),
      ]);
      // Reloaded to reach another SIP server: back on the screen the person was on.
      const restored = takeReloadState();
      set({
        info,
        settings,
        policy,
        load: { status: 'ready' },
        ...(restored && { screen: restored.screen }),
      });
    } catch (error) {
      set({ load: { status: 'failed', errorKey: errorKey(error) } });
    }
  },
  navigate(screen) {
    set((state) => ({ screen, visit: state.visit + 1 }));
  },
  async updateSettings(patch) {
    // Shown at once, so that controls do not flicker back while main saves; main's answer is final.
    const before = get().settings;
    if (before) set({ settings: { ...before, settings: { ...before.settings, ...patch } } });
    try {
      set({ settings: await call('settings.update', patch) });
    } catch (error) {
      set({ settings: before });
      throw error;
    }
  },
}));
