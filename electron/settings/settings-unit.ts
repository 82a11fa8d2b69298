import { securityRelevantSettings, type AuditEvent } from '../../shared/audit/catalog.js';
import type { SettingsState } from '../../shared/ipc/contract.js';
import { ServiceError } from '../../shared/ipc/errors.js';
import type { PolicyFile } from '../../shared/policy/schema.js';
import type { SettingKey, Settings, SettingsPatch } from '../../shared/settings/settings.js';
import type { Emit } from '../ipc/event-hub.js';
import type { HandlersFor } from '../ipc/router.js';
import type { SettingsStore } from './settings-store.js';

/** Settings that policy keys fix, by the setting they lock. */
function lockedSettings(file: PolicyFile): SettingKey[] {
  const locked: SettingKey[] = [];
  if (file.defaultCountry !== undefined) locked.push('defaultCountry');
  if (file.language !== undefined) locked.push('language');
  if (file.runInBackground !== undefined) locked.push('runInBackground');
  if (file.startAtLogin !== undefined) locked.push('startAtLogin');
  if (file.globalShortcuts?.enabled !== undefined) locked.push('globalShortcuts');
  return locked;
}

function applyPolicy(settings: Settings, file: PolicyFile): Settings {
  return {
    ...settings,
    ...(file.defaultCountry !== undefined && { defaultCountry: file.defaultCountry }),
    ...(file.language !== undefined && { language: file.language }),
    ...(file.runInBackground !== undefined && { runInBackground: file.runInBackground }),
    ...(file.startAtLogin !== undefined && { startAtLogin: file.startAtLogin }),
    ...(file.globalShortcuts?.enabled !== undefined && { globalShortcuts: file.globalShortcuts.enabled }),
  };
}

/** The person's settings (settings.json) with what the policy fixes laid over them. */
export interface SettingsUnit {
  /** The settings in force: the person's, where policy does not fix them. */
  effective(): Settings;
  /** The person's own settings, as stored (what "Export my data" contains). */
  own(): Settings;
  /** What the settings screen shows: the settings in force and which of them policy locks. */
  state(): SettingsState;
  /** The app's language: the setting in force, or the system's when it says "system". */
  language(): 'de' | 'en';
  /** Tells the window that the settings in force changed (after a policy change or a reset). */
  announce(): void;
  /** Back to the defaults (after "Delete all my data"). */
  reset(): Promise<void>;
  /** Changes settings as the settings screen does (also the tray's Do not disturb). */
  update(patch: SettingsPatch): Promise<SettingsState>;
  handlers: HandlersFor<'settings.get' | 'settings.update'>;
}

export function createSettingsUnit(deps: {
  store: SettingsStore;
  policyFile(): PolicyFile;
  systemLocale: string;
  record(event: AuditEvent): void;
  emit: Emit;
}): SettingsUnit {
  const effective = () => applyPolicy(deps.store.get(), deps.policyFile());
  const state = (): SettingsState => ({ settings: effective(), locked: lockedSettings(deps.policyFile()) });
  const update = async (patch: SettingsPatch): Promise<SettingsState> => {
    const locked = lockedSettings(deps.policyFile()).filter((key) => key in patch);
    if (locked.length > 0) throw new ServiceError('refused', `set by policy: ${locked.join(', ')}`);
    const before = deps.store.get();
    await deps.store.update(patch);
    const after = deps.store.get();
    for (const setting of securityRelevantSettings)
      if (after[setting] !== before[setting])
        deps.record({ type: 'settings.changed', details: { setting, value: after[setting] } });
    const next = state();
    deps.emit('settings.changed', next);
    return next;
  };
  return {
    effective,
    own: () => deps.store.get(),
    state,
    language() {
      const { language } = effective();
      if (language !== 'system') return language;
      return deps.systemLocale.toLowerCase().startsWith('de') ? 'de' : 'en';
    },
    announce: () => deps.emit('settings.changed', state()),
    reset: () => deps.store.reset(),
    update,
    handlers: {
      'settings.get': state,
      'settings.update': update,
    },
  };
}
