import type { OpenDialogOptions, OpenDialogReturnValue } from 'electron';
import type { DataExportRequest } from '../../shared/domain/data-export.js';

/**
 * The folder picker of "Export my data": folders only, with a button to make a new one (macOS; the other
 * platforms' pickers always offer it), starting in the user's documents. Plain data, so tests check it.
 */
export function exportFolderDialogOptions(labels: DataExportRequest, defaultPath: string): OpenDialogOptions {
  return {
    title: labels.title,
    buttonLabel: labels.buttonLabel,
    defaultPath,
    properties: ['openDirectory', 'createDirectory', 'dontAddToRecent'],
  };
}

/**
 * `chooseExportFolder` for the app services: Electron's open dialog (modal to the app window) is passed in
 * by main.ts, so this runs under plain Node in tests. Null when the person cancels.
 */
export function createExportFolderChooser(
  showOpenDialog: (options: OpenDialogOptions) => Promise<OpenDialogReturnValue>,
  defaultPath: () => string,
): (labels: DataExportRequest) => Promise<string | null> {
  return async (labels) => {
    const result = await showOpenDialog(exportFolderDialogOptions(labels, defaultPath()));
    return result.canceled ? null : (result.filePaths[0] ?? null);
  };
}
