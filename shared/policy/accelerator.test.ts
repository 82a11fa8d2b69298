import { describe, expect, it } from 'vitest';
import { isGlobalAccelerator } from './accelerator.js';
import { defaultGlobalShortcuts, parsePolicy, resolvePolicy } from './schema.js';

describe('global shortcut key combinations', () => {
  it.each([
    'CommandOrControl+Alt+Shift+A',
    'CmdOrCtrl+Shift+F9',
    'Ctrl+Alt+Shift+M',
    'Super+Shift+Up',
    'Alt+Plus',
    'F13',
    'MediaPlayPause',
    'Shift+num5',
  ])('accepts %s', (text) => expect(isGlobalAccelerator(text)).toBe(true));

  it.each([
    ['', 'nothing'],
    ['A', 'a plain letter would be taken from every other program'],
    ['F5', 'a plain function key that programs use'],
    ['Ctrl+', 'no key'],
    ['Ctrl++A', 'a stray +'],
    ['Ctrl+Ctrl+A', 'a modifier twice'],
    ['Hyper+A', 'an unknown modifier'],
    ['Ctrl+Alt+Enterr', 'an unknown key'],
    ['Ctrl+A+B', 'two keys'],
  ])('refuses %j (%s)', (text) => expect(isGlobalAccelerator(text)).toBe(false));

  it('the defaults are valid, and policy can turn one off (null) or all of them', () => {
    for (const accelerator of Object.values(defaultGlobalShortcuts))
      expect(isGlobalAccelerator(accelerator)).toBe(true);
    expect(resolvePolicy({}).globalShortcuts).toEqual({ enabled: true, ...defaultGlobalShortcuts });
    const parsed = parsePolicy({ globalShortcuts: { enabled: false, mute: null } });
    expect(parsed.ok).toBe(true);
    if (parsed.ok)
      expect(resolvePolicy(parsed.policy).globalShortcuts).toEqual({
        enabled: false,
        answer: defaultGlobalShortcuts.answer,
        hangup: defaultGlobalShortcuts.hangup,
        mute: null,
      });
  });

  it('names a bad combination in the policy by its key', () => {
    expect(parsePolicy({ globalShortcuts: { answer: 'A' } })).toEqual({
      ok: false,
      problems: [
        {
          key: 'globalShortcuts.answer',
          message: 'must be a key combination such as CommandOrControl+Alt+Shift+A',
          issue: { code: 'key-combination' },
        },
      ],
    });
  });

  it('defaults of the desktop keys: background on, start at login off, DevTools off', () => {
    const policy = resolvePolicy({});
    expect(policy.runInBackground).toBe(true);
    expect(policy.startAtLogin).toBe(false);
    expect(policy.allowDevTools).toBe(false);
  });
});
