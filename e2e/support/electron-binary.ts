import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const electronPackage = fileURLToPath(new URL('../../node_modules/electron', import.meta.url));

/**
 * The Electron executable if one is installed, else the reason there is none. Requiring the `electron`
 * package would try to download the binary, so its path file is read directly.
 */
export function findElectronBinary(): { path: string } | { missing: string } {
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  if (override) {
    const candidates = ['electron', 'Electron.app/Contents/MacOS/Electron', 'electron.exe'].map((name) =>
      join(override, name),
    );
    const found = candidates.find((candidate) => existsSync(candidate));
    return found
      ? { path: found }
      : { missing: `ELECTRON_OVERRIDE_DIST_PATH=${override} holds no Electron executable` };
  }
  const pathFile = join(electronPackage, 'path.txt');
  if (!existsSync(pathFile)) {
    return {
      missing:
        'no Electron binary is installed (node_modules/electron/path.txt is absent: the binary download is not possible on this machine)',
    };
  }
  const binary = join(electronPackage, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? { path: binary } : { missing: `the Electron binary ${binary} is missing` };
}
