import type { RegistryValue } from '../../shared/policy/managed-keys.js';

/** One key in the output of `reg query <key> /s`, with its values by name. */
export interface RegistryKeyListing {
  path: string;
  values: Map<string, RegistryValue>;
}

// reg.exe indents each value by four spaces and separates name, type and data by four spaces. The data may
// be empty (an empty REG_SZ) and may itself contain runs of spaces, so only the first two separators count.
const VALUE_LINE = /^ {4}(.*?) {4}(REG_[A-Z0-9_]+)(?: {4}(.*))?$/;
const KEY_LINE = /^HKEY_[A-Z_]+(\\.*)?$/;

function decodeData(type: string, data: string): RegistryValue {
  switch (type) {
    case 'REG_DWORD': {
      // Shown as hexadecimal: 0x1, 0x5a0.
      if (!/^0x[0-9a-f]{1,8}$/i.test(data)) return { type: 'other', regType: type, data };
      return { type: 'REG_DWORD', data: Number.parseInt(data.slice(2), 16) };
    }
    case 'REG_SZ':
      return { type: 'REG_SZ', data };
    case 'REG_MULTI_SZ':
      // The strings are joined by a literal backslash-zero; an empty REG_MULTI_SZ shows no data.
      return { type: 'REG_MULTI_SZ', data: data === '' ? [] : data.split('\\0') };
    default:
      return { type: 'other', regType: type, data };
  }
}

/**
 * Parses what `reg query <key> /s` prints: a blank line, the key's full path, its values indented by four
 * spaces, a blank line, then each subkey the same way. Windows prints CRLF; both line ends are accepted.
 */
export function parseRegQueryOutput(output: string): RegistryKeyListing[] {
  const keys: RegistryKeyListing[] = [];
  let current: RegistryKeyListing | null = null;
  for (const line of output.split(/\r?\n/)) {
    if (line.trim() === '') continue;
    if (KEY_LINE.test(line)) {
      current = { path: line, values: new Map() };
      keys.push(current);
      continue;
    }
    const match = VALUE_LINE.exec(line);
    if (!match || !current) throw new Error(`unexpected line in reg query output: ${JSON.stringify(line)}`);
    const [, name = '', type = '', data = ''] = match;
    current.values.set(name, decodeData(type, data));
  }
  return keys;
}
