import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { parse as parseYaml } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { build as buildPlist, type PlistValue } from 'plist';
import { parsePlistBytes, preferencesLayerContent } from '../electron/policy/macos-preferences.js';
import { registryLayerContent } from '../electron/policy/windows-registry.js';
import {
  MACHINE_HIVE,
  POLICY_APP_ID,
  POLICY_REGISTRY_KEY,
  registryMappings,
  registryValuesFromPolicy,
  type RegistryEncoding,
} from '../shared/policy/managed-keys.js';
import { parsePolicy, PolicyFile, ProviderEndpoints } from '../shared/policy/schema.js';
import { generatePolicyTemplates, POLICY_DIR } from './policy-templates.js';
import { examplePolicy, keyTexts } from './policy-texts.js';

const builder = parseYaml(readFileSync(new URL('../electron-builder.yml', import.meta.url), 'utf8'));
const topKeys = Object.keys(PolicyFile.shape);
const providerKeys = Object.keys(ProviderEndpoints.shape).map((key) => `provider.${key}`);
const committed = (relative: string) => readFileSync(join(POLICY_DIR, relative), 'utf8');

const xml = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  isArray: (name) => ['policy', 'category', 'string', 'presentation', 'item', 'definition'].includes(name),
});

type Node = Record<string, unknown>;
let generated: Map<string, string>;

beforeAll(async () => {
  generated = await generatePolicyTemplates();
});

describe('policy templates', () => {
  it('are up to date: run `npm run policy:templates` after changing the schema', () => {
    expect([...generated.keys()].sort()).toEqual(
      [
        'POLICY.md',
        'SecureSoftphone.admx',
        'SecureSoftphone.mobileconfig',
        'de-DE/SecureSoftphone.adml',
        'en-US/SecureSoftphone.adml',
        'policy.schema.json',
      ].sort(),
    );
    for (const [relative, content] of generated) {
      expect(committed(relative), `build/policy/${relative} is out of date`).toBe(content);
    }
  });

  it('use the app id and the Software\\Policies\\<Vendor>\\<App> key of electron-builder.yml', () => {
    expect(POLICY_APP_ID).toBe(builder.appId);
    const vendor = String(builder.win.signtoolOptions.publisherName).replace(/\s+/g, '');
    const app = String(builder.productName).replace(/\s+/g, '');
    expect(POLICY_REGISTRY_KEY).toBe(`Software\\Policies\\${vendor}\\${app}`);
  });

  it('are well-formed XML', () => {
    for (const name of [
      'SecureSoftphone.admx',
      'en-US/SecureSoftphone.adml',
      'de-DE/SecureSoftphone.adml',
      'SecureSoftphone.mobileconfig',
    ]) {
      expect(XMLValidator.validate(generated.get(name)!), name).toBe(true);
    }
  });

  it('JSON Schema: describes every key, and is the schema of the policy file', () => {
    const schema = JSON.parse(generated.get('policy.schema.json')!);
    expect(Object.keys(schema.properties).sort()).toEqual([...topKeys].sort());
    expect(Object.keys(schema.properties.provider.properties).map((k) => `provider.${k}`)).toEqual(
      providerKeys,
    );
    expect(schema.additionalProperties).toBe(false);
    for (const key of topKeys) expect(schema.properties[key].description, key).toBeTruthy();
    for (const key of Object.keys(ProviderEndpoints.shape)) {
      expect(schema.properties.provider.properties[key].description, key).toBeTruthy();
    }
  });

  describe('ADMX and ADML', () => {
    const admx = () => xml.parse(generated.get('SecureSoftphone.admx')!).policyDefinitions as Node;
    const policies = () => (admx().policies as { policy: Node[] }).policy;
    const adml = (folder: string) =>
      xml.parse(generated.get(`${folder}/SecureSoftphone.adml`)!).policyDefinitionResources.resources as Node;
    const stringTable = (folder: string) =>
      new Map(
        ((adml(folder).stringTable as Node).string as Node[]).map((s) => [
          String(s['@_id']),
          String(s['#text']),
        ]),
      );

    /** The registry type each ADMX element writes, as encodings of the loader's mapping table. */
    function writtenEncodings(policy: Node): RegistryEncoding[] {
      if (policy.enabledValue) {
        expect((policy.enabledValue as Node).decimal).toEqual({ '@_value': '1' });
        expect((policy.disabledValue as Node).decimal).toEqual({ '@_value': '0' });
        return ['boolean'];
      }
      const elements = policy.elements as Node;
      if (elements.decimal) return ['number'];
      if (elements.enum || elements.text) return ['string', 'json'];
      if (elements.multiText) return ['strings', 'pem'];
      throw new Error(`unexpected elements in ${String(policy['@_name'])}`);
    }

    it('have one policy per registry value, writing the type the loader reads', () => {
      const byName = new Map(policies().map((p) => [String(p['@_name']), p]));
      expect([...byName.keys()]).toEqual(registryMappings.map((m) => m.valueName));
      for (const mapping of registryMappings) {
        const policy = byName.get(mapping.valueName)!;
        expect(policy['@_key']).toBe(POLICY_REGISTRY_KEY);
        expect(policy['@_class']).toBe('Both');
        expect(writtenEncodings(policy), mapping.valueName).toContain(mapping.encoding);
        if (mapping.encoding === 'boolean') {
          expect(policy['@_valueName']).toBe(mapping.valueName);
        } else {
          const element = Object.values(policy.elements as Node)[0] as Node;
          expect(element['@_valueName']).toBe(mapping.valueName);
        }
      }
    });

    it('reference only strings and presentations that both languages define', () => {
      const text = generated.get('SecureSoftphone.admx')!;
      const stringRefs = [...text.matchAll(/\$\(string\.([^)]+)\)/g)].map((m) => m[1]!);
      const presentationRefs = [...text.matchAll(/\$\(presentation\.([^)]+)\)/g)].map((m) => m[1]!);
      expect(stringRefs.length).toBeGreaterThan(registryMappings.length * 2);
      const english = stringTable('en-US');
      const german = stringTable('de-DE');
      for (const folder of ['en-US', 'de-DE']) {
        const strings = stringTable(folder);
        for (const ref of stringRefs) expect(strings.has(ref), `${folder}: string ${ref}`).toBe(true);
        const presentations = ((adml(folder).presentationTable as Node).presentation as Node[]).map(
          (p) => p['@_id'],
        );
        expect([...presentations].sort()).toEqual([...presentationRefs].sort());
      }
      // Every key has its title and explanation in both languages, and the German is German.
      for (const mapping of registryMappings) {
        const name = mapping.valueName;
        expect(english.get(`${name}_Explain`)).toContain(`${name} (`);
        expect(german.get(`${name}_Explain`)).toContain(`Registrierungswert: ${name}`);
        expect(german.get(name)).toBe(keyTexts[mapping.path.join('.')]!.title.de);
        expect(german.get(`${name}_Explain`)).not.toBe(english.get(`${name}_Explain`));
      }
    });

    it('let a value that Group Policy writes be read back by the Windows loader', () => {
      // What `reg query` shows after Group Policy applied the example policy under HKLM.
      const key = `${MACHINE_HIVE}\\${POLICY_REGISTRY_KEY}`;
      const lines = [...registryValuesFromPolicy(examplePolicy)].map(([name, value]) => {
        const data =
          value.type === 'REG_DWORD'
            ? `0x${value.data.toString(16)}`
            : value.type === 'REG_MULTI_SZ'
              ? value.data.join('\\0')
              : value.data;
        return `    ${name}    ${value.type}    ${data}`;
      });
      const stdout = ['', key, ...lines, '', ''].join('\r\n');
      const content = registryLayerContent(key, { exitCode: 0, stdout, stderr: '' });
      expect(content.status).toBe('present');
      if (content.status !== 'present') return;
      expect(content.problems).toEqual([]);
      const parsed = parsePolicy(content.raw);
      expect(parsed).toEqual({ ok: true, policy: examplePolicy });
    });
  });

  it('macOS profile: a payload of the app id type with every key, which the macOS loader reads', () => {
    const profile = parsePlistBytes(new TextEncoder().encode(generated.get('SecureSoftphone.mobileconfig')!));
    const { PayloadType, PayloadContent } = profile as { PayloadType: string; PayloadContent: PlistValue[] };
    expect(PayloadType).toBe('Configuration');
    expect(PayloadContent).toHaveLength(1);
    const payload = PayloadContent[0] as Record<string, PlistValue>;
    expect(payload.PayloadType).toBe(builder.appId);
    const keys = Object.keys(payload).filter((key) => !key.startsWith('Payload'));
    expect(keys.sort()).toEqual([...topKeys].sort());
    // macOS writes the payload to /Library/Managed Preferences/<app id>.plist; the loader reads it from there.
    const content = preferencesLayerContent(new TextEncoder().encode(buildPlist(payload)));
    expect(content.status).toBe('present');
    if (content.status !== 'present') return;
    expect(parsePolicy(content.raw)).toEqual({ ok: true, policy: examplePolicy });
  });

  it('reference: every key with its type, default and registry value', () => {
    const reference = generated.get('POLICY.md')!;
    for (const key of [...topKeys, ...providerKeys]) expect(reference, key).toContain(`| \`${key}\``);
    for (const mapping of registryMappings) expect(reference).toContain(`\`${mapping.valueName}\``);
    expect(reference).toMatch(/\| `idleLockMinutes` +\| integer 1–1440/);
    expect(reference).toMatch(/\| `requireMfa` +\| boolean +\| `true` +\|/);
  });

  it('example policy sets every key and validates', () => {
    expect(Object.keys(examplePolicy).sort()).toEqual([...topKeys].sort());
    expect(parsePolicy(examplePolicy).ok).toBe(true);
    expect(Object.keys(keyTexts).sort()).toEqual(registryMappings.map((m) => m.path.join('.')).sort());
  });
});
