import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultSettings } from '../../shared/settings/settings.js';
import { openSettingsStore } from './settings-store.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'settings-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('settings store', () => {
  it('starts with defaults and persists updates across reopen', async () => {
    const store = await openSettingsStore(dir);
    expect(store.get()).toEqual(defaultSettings);
    await store.update({ language: 'en', defaultCountry: 'AT' });
    const reopened = await openSettingsStore(dir);
    expect(reopened.get()).toEqual({ ...defaultSettings, language: 'en', defaultCountry: 'AT' });
  });

  it('moves an unreadable file aside instead of overwriting it', async () => {
    await writeFile(join(dir, 'settings.json'), '{ not json');
    const store = await openSettingsStore(dir, () => new Date('2026-01-02T03:04:05.000Z'));
    expect(store.get()).toEqual(defaultSettings);
    const kept = join(dir, 'settings.json.invalid-2026-01-02T03-04-05-000Z');
    expect(await readFile(kept, 'utf8')).toBe('{ not json');
  });

  it('refuses invalid values and keeps the file unchanged', async () => {
    const store = await openSettingsStore(dir);
    await store.update({ theme: 'dark' });
    await expect(store.update({ defaultCountry: 'germany' } as never)).rejects.toThrow();
    expect(JSON.parse(await readFile(join(dir, 'settings.json'), 'utf8'))).toMatchObject({ theme: 'dark' });
    expect(await readdir(dir)).toEqual(['settings.json']);
  });
});
