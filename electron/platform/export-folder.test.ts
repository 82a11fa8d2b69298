import { describe, expect, it, vi } from 'vitest';
import { createExportFolderChooser, exportFolderDialogOptions } from './export-folder.js';

const labels = { title: 'Ordner für den Export wählen', buttonLabel: 'Hierhin exportieren' };

describe('export folder picker', () => {
  it('asks for a folder (one may be created) with the translated texts, starting in documents', () => {
    expect(exportFolderDialogOptions(labels, '/home/erika/Dokumente')).toEqual({
      title: 'Ordner für den Export wählen',
      buttonLabel: 'Hierhin exportieren',
      defaultPath: '/home/erika/Dokumente',
      properties: ['openDirectory', 'createDirectory', 'dontAddToRecent'],
    });
  });

  it('returns the chosen folder, or null when the person cancels', async () => {
    const show = vi.fn(async () => ({ canceled: false, filePaths: ['/home/erika/Export'] }));
    const choose = createExportFolderChooser(show, () => '/home/erika/Documents');
    expect(await choose(labels)).toBe('/home/erika/Export');
    expect(show).toHaveBeenCalledWith(exportFolderDialogOptions(labels, '/home/erika/Documents'));

    const cancelled = createExportFolderChooser(
      async () => ({ canceled: true, filePaths: [] }),
      () => '/tmp',
    );
    expect(await cancelled(labels)).toBeNull();
  });
});
