/**
 * Key combinations in Electron's accelerator syntax (https://www.electronjs.org/docs/latest/api/accelerator),
 * checked before they reach `globalShortcut.register`, which only returns false for a bad one.
 */
const modifiers = new Set([
  'command',
  'cmd',
  'control',
  'ctrl',
  'commandorcontrol',
  'cmdorctrl',
  'alt',
  'option',
  'altgr',
  'shift',
  'super',
  'meta',
]);

const namedKeys = new Set(
  [
    'Plus',
    'Space',
    'Tab',
    'Capslock',
    'Numlock',
    'Scrolllock',
    'Backspace',
    'Delete',
    'Insert',
    'Return',
    'Enter',
    'Up',
    'Down',
    'Left',
    'Right',
    'Home',
    'End',
    'PageUp',
    'PageDown',
    'Escape',
    'Esc',
    'PrintScreen',
    'numdec',
    'numadd',
    'numsub',
    'nummult',
    'numdiv',
  ].map((key) => key.toLowerCase()),
);

/** Keys that a headset or a keyboard's extra row sends: they may stand alone, nobody types them. */
const standaloneKeys = new Set(
  [
    'MediaPlayPause',
    'MediaNextTrack',
    'MediaPreviousTrack',
    'MediaStop',
    'VolumeMute',
    ...Array.from({ length: 12 }, (_, i) => `F${i + 13}`),
  ].map((key) => key.toLowerCase()),
);

function isKey(key: string): boolean {
  const lower = key.toLowerCase();
  return (
    /^[a-z0-9]$/.test(lower) ||
    /^f([1-9]|1[0-9]|2[0-4])$/.test(lower) ||
    /^num[0-9]$/.test(lower) ||
    /^[)!@#$%^&*(:;+=<,_\-.>?/~`{\][|\\}"']$/.test(key) ||
    namedKeys.has(lower) ||
    standaloneKeys.has(lower) ||
    lower === 'volumeup' ||
    lower === 'volumedown'
  );
}

/**
 * Whether `text` is one key with modifiers, each modifier at most once. A global shortcut needs at least
 * one modifier (a plain letter would be taken from every other program), except for F13–F24 and media keys.
 */
export function isGlobalAccelerator(text: string): boolean {
  const parts = text.split('+');
  // "Plus" is the + key; an empty part is a stray +.
  if (parts.some((part) => part === '')) return false;
  const key = parts.at(-1)!;
  const mods = parts.slice(0, -1).map((part) => part.toLowerCase());
  if (!isKey(key) || mods.some((mod) => !modifiers.has(mod))) return false;
  if (new Set(mods).size !== mods.length) return false;
  return mods.length > 0 || standaloneKeys.has(key.toLowerCase());
}
