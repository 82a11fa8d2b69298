import {
  callShortcutActions,
  type CallShortcutAction,
  type EffectivePolicy,
} from '../../shared/policy/schema.js';

/** The part of Electron's globalShortcut the call shortcuts use. */
export interface GlobalShortcutRegistry {
  register(accelerator: string, callback: () => void): boolean;
  unregister(accelerator: string): void;
}

export interface ShortcutResult {
  registered: { action: CallShortcutAction; accelerator: string }[];
  /** Combinations another program holds already (the OS refuses them): reported, the others still work. */
  refused: { action: CallShortcutAction; accelerator: string }[];
}

/**
 * Answer, hang up and mute from any program. On when policy allows them (`globalShortcuts.enabled`) and the
 * person did not turn them off (setting `globalShortcuts`), with the policy's key combinations; a
 * combination set to null is left out. Each press sends `call.shortcut` to the window. Applying again first
 * releases what was registered before, so policy and setting changes take effect at once.
 */
export function createCallShortcuts(
  registry: GlobalShortcutRegistry,
  send: (action: CallShortcutAction) => void,
) {
  let held: string[] = [];
  return {
    apply(policy: EffectivePolicy['globalShortcuts'], enabledBySetting: boolean): ShortcutResult {
      for (const accelerator of held) registry.unregister(accelerator);
      held = [];
      const result: ShortcutResult = { registered: [], refused: [] };
      if (!policy.enabled || !enabledBySetting) return result;
      for (const action of callShortcutActions) {
        const accelerator = policy[action];
        if (!accelerator) continue;
        if (registry.register(accelerator, () => send(action))) {
          held.push(accelerator);
          result.registered.push({ action, accelerator });
        } else result.refused.push({ action, accelerator });
      }
      return result;
    },
    release(): void {
      for (const accelerator of held) registry.unregister(accelerator);
      held = [];
    },
  };
}
