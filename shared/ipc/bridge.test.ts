import { describe, expect, it, vi } from 'vitest';
import { createBridge } from './bridge.js';
import { isChannelName, isEventName } from './contract.js';

describe('bridge', () => {
  it('refuses channels outside the contract without sending them', async () => {
    const transport = { invoke: vi.fn(), subscribe: vi.fn(() => () => {}) };
    const bridge = createBridge(transport, isChannelName, isEventName);
    const result = await bridge.invoke('fs.readFile' as never, undefined as never);
    expect(result).toMatchObject({ ok: false, error: { code: 'unknown-channel' } });
    expect(transport.invoke).not.toHaveBeenCalled();
  });

  it('delivers only subscribed events to their listeners and unsubscribes', () => {
    let push: (event: string, payload: unknown) => void = () => {};
    const transport = {
      invoke: vi.fn(),
      subscribe: vi.fn((listener: (event: string, payload: unknown) => void) => {
        push = listener;
        return () => {};
      }),
    };
    const bridge = createBridge(transport, isChannelName, isEventName);
    const listener = vi.fn();
    const off = bridge.on('settings.changed', listener);
    push('settings.changed', { a: 1 });
    push('policy.changed', { b: 2 });
    off();
    push('settings.changed', { c: 3 });
    expect(listener.mock.calls).toEqual([[{ a: 1 }]]);
    expect(() => bridge.on('nope' as never, () => {})).toThrow(TypeError);
    expect(transport.subscribe).toHaveBeenCalledTimes(1);
  });
});
