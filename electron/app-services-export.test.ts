import { parse } from 'csv-parse/sync';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DataExportRequest } from '../shared/domain/data-export.js';
import { createAppServices, type AppServices, type AppServicesDeps } from './app-services.js';
import { filePolicySource } from './policy/source.js';
import { createMemorySecretStore } from '../testing/memory-secret-store.js';
import { APP_URL, shellServiceDeps } from '../testing/app-services.js';

const LABELS = { title: 'Ordner für den Export wählen', buttonLabel: 'Hierhin exportieren' };

let dir: string;
let chosen: string;
let policyPath: string;
let services: AppServices | null = null;
/** One keychain per test, so that a restarted app opens the same database. */
let secrets = createMemorySecretStore();

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'services-export-'));
  chosen = join(dir, 'Dokumente');
  await mkdir(chosen);
  policyPath = join(dir, 'policy.json');
  secrets = createMemorySecretStore();
});
afterEach(async () => {
  await services?.dispose();
  services = null;
  vi.restoreAllMocks();
  await rm(dir, { recursive: true, force: true });
});

async function start(overrides: Partial<AppServicesDeps> = {}): Promise<AppServices> {
  services = await createAppServices({
    dataDir: join(dir, 'data'),
    policy: filePolicySource(policyPath),
    systemLocale: 'de-DE',
    ...shellServiceDeps,
    openExternal: async () => {},
    secrets,
    logError: () => {},
    now: () => Date.UTC(2026, 10, 25, 10, 0, 0),
    notifier: { show: () => {}, dismiss: () => {} },
    chooseExportFolder: async () => chosen,
    ...overrides,
  });
  return services;
}

const invoke = (channel: string, input?: unknown) => services!.router.handle(APP_URL, channel, input);

async function addData(): Promise<void> {
  await invoke('call.report', {
    type: 'started',
    callId: 'call-1',
    at: Date.UTC(2026, 10, 24, 9, 0, 0),
    direction: 'incoming',
    account: 'sip:me@example.eu',
    remoteUri: 'sip:+4989123456@example.eu',
    remoteName: 'Sent By The Caller',
  });
  await invoke('call.report', {
    type: 'ended',
    callId: 'call-1',
    at: Date.UTC(2026, 10, 24, 9, 0, 20),
    disposition: 'missed',
    cause: 'Canceled',
  });
  await invoke('contacts.create', {
    name: 'Erika Mustermann',
    numbers: [{ label: 'work', number: '+49 89 123456' }],
  });
  await invoke('settings.update', { theme: 'dark' });
}

describe('data.export', () => {
  it('writes the data into a new folder in the chosen one and records data.exported', async () => {
    const chooseExportFolder = vi.fn(async (_labels: DataExportRequest) => chosen);
    await start({ chooseExportFolder });
    await addData();

    const result = await invoke('data.export', LABELS);
    expect(result).toEqual({
      ok: true,
      value: {
        status: 'exported',
        folder: join(chosen, 'secure-softphone-export-2026-11-25T10-00-00Z'),
        counts: { calls: 1, contacts: 1, auditEvents: expect.any(Number) },
      },
    });
    // The renderer's translated texts reach the dialog; the renderer never names a path.
    expect(chooseExportFolder).toHaveBeenCalledWith(LABELS);
    const { folder, counts } = (result as { value: { folder: string; counts: { auditEvents: number } } })
      .value;

    // The history as stored: the name the caller sent, not the contact's name caller ID shows.
    const calls = JSON.parse(await readFile(join(folder, 'history.json'), 'utf8'));
    expect(calls).toMatchObject([{ id: 'call-1', remoteName: 'Sent By The Caller', disposition: 'missed' }]);
    expect(await invoke('history.list', {})).toMatchObject({ value: [{ remoteName: 'Erika Mustermann' }] });
    // German system: semicolons, as Excel in Germany expects.
    const contacts = parse(await readFile(join(folder, 'contacts.csv')), {
      bom: true,
      columns: true,
      delimiter: ';',
    });
    expect(contacts).toMatchObject([{ name: 'Erika Mustermann', work_phone: "'+49 89 123456" }]);
    expect(JSON.parse(await readFile(join(folder, 'settings.json'), 'utf8'))).toMatchObject({
      theme: 'dark',
    });

    // The audit log as it was before the export, and the export's own event after it.
    const exportedLog = JSON.parse(await readFile(join(folder, 'audit-log.json'), 'utf8'));
    expect(exportedLog).toHaveLength(counts.auditEvents);
    expect(exportedLog.map((event: { type: string }) => event.type)).toContain('app.started');
    const log = await services!.audit.list();
    expect(log.at(-1)).toMatchObject({
      type: 'data.exported',
      details: { calls: 1, contacts: 1, auditEvents: counts.auditEvents, files: 9 },
    });
    expect(JSON.stringify(log.at(-1))).not.toContain('Erika');
  });

  it('writes nothing when the person cancels the folder dialog', async () => {
    await start({ chooseExportFolder: async () => null });
    await addData();
    expect(await invoke('data.export', LABELS)).toEqual({ ok: true, value: { status: 'cancelled' } });
    expect(await readdir(chosen)).toEqual([]);
    expect((await services!.audit.list()).map((event) => event.type)).not.toContain('data.exported');
  });

  it('says when the chosen folder cannot be written', async () => {
    await start({ chooseExportFolder: async () => join(dir, 'unplugged-stick') });
    expect(await invoke('data.export', LABELS)).toEqual({
      ok: true,
      value: { status: 'failed', reason: 'not-writable' },
    });
  });

  it('is refused by policy before any dialog, and when policy forbids it while the dialog is open', async () => {
    await writeFile(policyPath, JSON.stringify({ allowExport: false }));
    const chooseExportFolder = vi.fn(async () => chosen);
    await start({ chooseExportFolder });
    expect(await invoke('data.export', LABELS)).toMatchObject({ ok: false, error: { code: 'refused' } });
    expect(chooseExportFolder).not.toHaveBeenCalled();
    await services!.dispose();

    await writeFile(policyPath, JSON.stringify({}));
    let choose!: (folder: string) => void;
    await start({ chooseExportFolder: () => new Promise((resolve) => (choose = resolve)) });
    const policyChanged = new Promise<void>((resolve) =>
      services!.onEvent((event) => event === 'policy.changed' && resolve()),
    );
    const exporting = invoke('data.export', LABELS);
    await vi.waitFor(() => expect(choose).toBeTypeOf('function'));
    await writeFile(policyPath, JSON.stringify({ allowExport: false }));
    await policyChanged;
    choose(chosen);
    expect(await exporting).toMatchObject({ ok: false, error: { code: 'refused' } });
    expect(await readdir(chosen)).toEqual([]);
  });

  it('checks its input and needs a folder picker and an open database', async () => {
    await start({ chooseExportFolder: undefined });
    expect(await invoke('data.export', { title: '', buttonLabel: 'x' })).toMatchObject({
      ok: false,
      error: { code: 'invalid-input', fields: ['title'] },
    });
    expect(await invoke('data.export', { ...LABELS, path: '/etc' })).toMatchObject({
      ok: false,
      error: { code: 'invalid-input' },
    });
    expect(await invoke('data.export', LABELS)).toMatchObject({
      ok: false,
      error: { code: 'not-available' },
    });
    await services!.dispose();

    await writeFile(join(dir, 'data', 'softphone.db'), Buffer.from('SQLite format 3\0'.padEnd(4096, '\0')));
    const chooseExportFolder = vi.fn(async () => chosen);
    await start({ chooseExportFolder });
    expect(await invoke('data.export', LABELS)).toMatchObject({
      ok: false,
      error: { code: 'not-available' },
    });
    expect(chooseExportFolder).not.toHaveBeenCalled();
  });
});

describe('default error log', () => {
  it('goes to stderr through the redacting logger', async () => {
    const written: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    await start({
      logError: undefined,
      notifier: {
        show: () => {
          throw new Error(
            'notification for "Erika Mustermann" <sip:erika@example.eu> failed, password=hunter2',
          );
        },
        dismiss: () => {},
      },
    });
    await invoke('call.notifyIncoming', {
      callId: 'c1',
      title: 'Anruf von Erika',
      body: 'sip:erika@example.eu',
      answerLabel: 'Annehmen',
      declineLabel: 'Ablehnen',
    });
    const line = written.find((text) => text.includes('IPC call.notifyIncoming failed'));
    expect(line).toMatch(/^\S+Z ERROR IPC call\.notifyIncoming failed Error: notification for/);
    expect(line).not.toContain('erika');
    expect(line).not.toContain('Erika');
    expect(line).not.toContain('hunter2');
  });
});
