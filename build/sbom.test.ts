import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Runs the real `npm run sbom` (cyclonedx-npm over the installed node_modules, offline, about 2 s) into a
// temporary file instead of dist/sbom.cdx.json, and checks what IT relies on.
const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
const scratch = mkdtempSync(join(tmpdir(), 'softphone-sbom-'));

interface Component {
  name: string;
  group?: string;
  version: string;
  purl: string;
  components?: Component[];
}
let bom: {
  bomFormat: string;
  specVersion: string;
  metadata: Record<string, unknown>;
  components: Component[];
};

function allComponents(list: Component[] = []): Component[] {
  return list.flatMap((c) => [c, ...allComponents(c.components)]);
}
const fullName = (c: Component) => (c.group ? `${c.group}/${c.name}` : c.name);
const installedVersion = (name: string) =>
  (
    JSON.parse(readFileSync(join(repoRoot, 'node_modules', name, 'package.json'), 'utf8')) as {
      version: string;
    }
  ).version;

beforeAll(() => {
  const output = join(scratch, 'sbom.cdx.json');
  const run = spawnSync('npm', ['run', '--silent', 'sbom', '--', '--output-file', output], {
    cwd: repoRoot,
    encoding: 'utf8',
  });
  expect(run.status, run.stderr).toBe(0);
  bom = JSON.parse(readFileSync(output, 'utf8'));
}, 60_000);
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('SBOM (npm run sbom)', () => {
  it('is written to dist/ by every `npm run dist`', () => {
    expect(pkg.scripts.sbom).toContain('--output-file dist/sbom.cdx.json');
    expect(pkg.scripts.sbom).toContain('--omit dev');
    // build/dist.ts runs electron-builder (with signing from the environment) after the SBOM.
    expect(pkg.scripts.dist).toMatch(/npm run sbom && tsx build\/dist\.ts$/);
  });

  it('is CycloneDX for this app, reproducible (no timestamp, no random serial number)', () => {
    expect(bom.bomFormat).toBe('CycloneDX');
    expect(bom.specVersion).toBe('1.6');
    expect(bom.metadata.component).toMatchObject({ name: pkg.name, version: pkg.version });
    expect(bom.metadata.timestamp).toBeUndefined();
    expect((bom as Record<string, unknown>).serialNumber).toBeUndefined();
  });

  it('lists every production dependency with the installed version', () => {
    const components = allComponents(bom.components);
    for (const name of Object.keys(pkg.dependencies)) {
      const version = installedVersion(name);
      const found = components.filter((c) => fullName(c) === name);
      expect(
        found.map((c) => c.version),
        name,
      ).toContain(version);
      const purlName = name.startsWith('@') ? `%40${name.slice(1)}` : name;
      expect(found.map((c) => c.purl)).toContain(`pkg:npm/${purlName}@${version}`);
    }
  });

  it('leaves out development-only dependencies', () => {
    const names = new Set(allComponents(bom.components).map(fullName));
    for (const name of ['vitest', 'electron', 'electron-builder', 'eslint', '@playwright/test', 'esbuild']) {
      expect(pkg.devDependencies[name], name).toBeDefined();
      expect(names.has(name), name).toBe(false);
    }
  });
});
