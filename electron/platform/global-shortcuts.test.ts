import { describe, expect, it, vi } from 'vitest';
import { resolvePolicy } from '../../shared/policy/schema.js';
import { createCallShortcuts, type GlobalShortcutRegistry } from './global-shortcuts.js';

/** The OS's table of global shortcuts; some combinations belong to other programs already. */
class FakeRegistry implements GlobalShortcutRegistry {
  readonly held = new Map<string, () => void>();
  constructor(private readonly takenElsewhere: string[] = []) {}
  register(accelerator: string, callback: () => void): boolean {
    if (this.takenElsewhere.includes(accelerator) || this.held.has(accelerator)) return false;
    this.held.set(accelerator, callback);
    return true;
  }
  unregister(accelerator: string): void {
    this.held.delete(accelerator);
  }
  press(accelerator: string) {
    this.held.get(accelerator)?.();
  }
}

describe('global call shortcuts', () => {
  it('registers answer, hang up and mute and sends call.shortcut for each', () => {
    const registry = new FakeRegistry();
    const send = vi.fn();
    const shortcuts = createCallShortcuts(registry, send);
    const result = shortcuts.apply(resolvePolicy({}).globalShortcuts, true);
    expect(result.registered.map((entry) => entry.action)).toEqual(['answer', 'hangup', 'mute']);
    registry.press('CommandOrControl+Alt+Shift+A');
    registry.press('CommandOrControl+Alt+Shift+H');
    registry.press('CommandOrControl+Alt+Shift+M');
    expect(send.mock.calls).toEqual([['answer'], ['hangup'], ['mute']]);
  });

  it('registers nothing when policy or the person turned them off, and releases what it held', () => {
    const registry = new FakeRegistry();
    const shortcuts = createCallShortcuts(registry, vi.fn());
    shortcuts.apply(resolvePolicy({}).globalShortcuts, true);
    expect(registry.held.size).toBe(3);
    shortcuts.apply(resolvePolicy({ globalShortcuts: { enabled: false } }).globalShortcuts, true);
    expect(registry.held.size).toBe(0);
    shortcuts.apply(resolvePolicy({}).globalShortcuts, false);
    expect(registry.held.size).toBe(0);
  });

  it('uses the policy’s combinations, leaves out one set to null, reports one another program holds', () => {
    const registry = new FakeRegistry(['MediaPlayPause']);
    const shortcuts = createCallShortcuts(registry, vi.fn());
    const result = shortcuts.apply(
      resolvePolicy({ globalShortcuts: { answer: 'MediaPlayPause', hangup: 'F13', mute: null } })
        .globalShortcuts,
      true,
    );
    expect(result).toEqual({
      registered: [{ action: 'hangup', accelerator: 'F13' }],
      refused: [{ action: 'answer', accelerator: 'MediaPlayPause' }],
    });
    shortcuts.release();
    expect(registry.held.size).toBe(0);
  });
});
