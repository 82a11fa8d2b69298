import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseRegQueryOutput } from './reg-query.js';

// The fixtures follow reg.exe's output byte for byte as published transcripts show it: CRLF line ends, a
// blank line before each key, four-space indent and separators, REG_DWORD in hex, REG_MULTI_SZ joined by \0.
const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const KEY = 'HKEY_LOCAL_MACHINE\\Software\\Policies\\SecureSoftphone\\SecureSoftphone';

describe('parseRegQueryOutput', () => {
  it('reads REG_SZ, REG_DWORD and REG_MULTI_SZ values of a key', () => {
    const [key, ...rest] = parseRegQueryOutput(fixture('reg-query-machine.txt'));
    expect(rest).toEqual([]);
    expect(key?.path).toBe(KEY);
    const values = key!.values;
    expect(values.get('ProviderIssuer')).toEqual({ type: 'REG_SZ', data: 'https://login.provider.example' });
    expect(values.get('RequireMfa')).toEqual({ type: 'REG_DWORD', data: 1 });
    expect(values.get('IdleLockMinutes')).toEqual({ type: 'REG_DWORD', data: 30 });
    expect(values.get('HistoryRetentionDays')).toEqual({ type: 'REG_DWORD', data: 365 });
    expect(values.get('SignInMethods')).toEqual({ type: 'REG_MULTI_SZ', data: ['company', 'provider'] });
    const pem = values.get('ExtraCaCertificates');
    expect(pem?.type).toBe('REG_MULTI_SZ');
    expect((pem?.data as string[])[0]).toBe('-----BEGIN CERTIFICATE-----');
    expect((pem?.data as string[]).at(-1)).toBe('-----END CERTIFICATE-----');
    // Runs of spaces inside the data belong to the data.
    expect(values.get('IceServers')).toMatchObject({
      type: 'REG_SZ',
      data: expect.stringContaining('two  spaces'),
    });
  });

  it('lists subkeys separately, and reads empty values', () => {
    const keys = parseRegQueryOutput(fixture('reg-query-invalid.txt'));
    expect(keys.map((k) => k.path)).toEqual([KEY, `${KEY}\\Extra`]);
    expect(keys[0]?.values.get('SignInMethods')).toEqual({ type: 'REG_MULTI_SZ', data: [] });
    expect(keys[1]?.values.get('Anything')).toEqual({ type: 'REG_SZ', data: 'value' });
  });

  it('keeps other types as they are shown, and accepts LF line ends', () => {
    const [key] = parseRegQueryOutput(
      `\n${KEY}\n    Big    REG_QWORD    0x100000000\n    Blob    REG_BINARY    0A0B\n    Empty    REG_SZ    \n`,
    );
    expect(key?.values.get('Big')).toEqual({ type: 'other', regType: 'REG_QWORD', data: '0x100000000' });
    expect(key?.values.get('Blob')).toEqual({ type: 'other', regType: 'REG_BINARY', data: '0A0B' });
    expect(key?.values.get('Empty')).toEqual({ type: 'REG_SZ', data: '' });
  });

  it('reads nothing from the output of a missing key, and refuses output it does not understand', () => {
    expect(parseRegQueryOutput('')).toEqual([]);
    expect(() => parseRegQueryOutput('ERROR: Invalid syntax.\r\n')).toThrow(/unexpected line/);
  });
});
