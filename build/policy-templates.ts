// `npm run policy:templates`: generates the managed-policy templates in build/policy/ from the one schema
// (shared/policy/schema.ts) and the one registry mapping table (shared/policy/managed-keys.ts):
//   policy.schema.json                JSON Schema of the Linux policy file
//   SecureSoftphone.admx              Windows Group Policy / Intune template
//   en-US/, de-DE/SecureSoftphone.adml   its English and German texts
//   SecureSoftphone.mobileconfig      macOS configuration profile example (Jamf or any MDM)
//   POLICY.md                         the policy reference the README links to
// build/policy-templates.test.ts fails when a committed file differs from what this script generates.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { build as buildPlist, type PlistValue } from 'plist';
import { v5 as uuidv5 } from 'uuid';
import { create } from 'xmlbuilder2';
import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces';
import { z } from 'zod';
import {
  MACHINE_HIVE,
  POLICY_APP,
  POLICY_APP_ID,
  POLICY_REGISTRY_KEY,
  POLICY_VENDOR,
  registryMappings,
  USER_HIVE,
  type RegistryMapping,
} from '../shared/policy/managed-keys.js';
import { PolicyFile, resolvePolicy } from '../shared/policy/schema.js';
import { managedPreferencesPaths } from '../electron/policy/macos-preferences.js';
import { LINUX_POLICY_PATH } from '../electron/policy/source.js';
import {
  categories,
  categoryNames,
  examplePolicy,
  keyTexts,
  phrases,
  type KeyText,
  type Language,
} from './policy-texts.js';

const here = dirname(fileURLToPath(import.meta.url));
export const POLICY_DIR = join(here, 'policy');
const POLICY_DEFINITIONS_NS = 'http://schemas.microsoft.com/GroupPolicy/2006/07/PolicyDefinitions';
const ADMX_NAME = `${POLICY_APP}`;
const SUPPORTED_ON = 'SUPPORTED_SecureSoftphone_0_1';
const ROOT_CATEGORY = 'SecureSoftphone';
const languages: Record<Language, string> = { en: 'en-US', de: 'de-DE' };

/** A property of the JSON Schema, as much of it as the generator reads. */
interface JsonSchemaNode {
  type?: string;
  description?: string;
  enum?: string[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  pattern?: string;
  format?: string;
  items?: JsonSchemaNode;
  anyOf?: JsonSchemaNode[];
  properties?: Record<string, JsonSchemaNode>;
  required?: string[];
}

export function policyJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(PolicyFile, { target: 'draft-2020-12' }) as Record<string, unknown>;
  const { $schema, ...rest } = schema;
  return {
    $schema,
    title: 'Secure Softphone managed policy',
    description: `The policy file ${LINUX_POLICY_PATH}. Every key is optional; keys set here cannot be changed by users.`,
    ...rest,
  };
}

function schemaNode(schema: Record<string, unknown>, path: readonly string[]): JsonSchemaNode {
  let node = schema as JsonSchemaNode;
  for (const key of path) {
    const next = node.properties?.[key];
    if (!next) throw new Error(`the JSON Schema has no key ${path.join('.')}`);
    node = next;
  }
  return node;
}

/** The number/enum part of a property, without the `null` of a nullable one. */
function concrete(node: JsonSchemaNode): JsonSchemaNode {
  return node.anyOf?.find((n) => n.type !== 'null') ?? node;
}

function textOf(mapping: RegistryMapping): KeyText {
  const text = keyTexts[mapping.path.join('.')];
  if (!text) throw new Error(`build/policy-texts.ts has no texts for ${mapping.path.join('.')}`);
  return text;
}

function defaultOf(mapping: RegistryMapping): unknown {
  const defaults = resolvePolicy({}) as unknown as Record<string, unknown>;
  const [top, field] = mapping.path;
  const value = defaults[top];
  return field === undefined ? value : ((value as Record<string, unknown> | null)?.[field] ?? null);
}

function formatDefault(value: unknown, language: Language): string {
  if (typeof value === 'boolean') return value ? phrases.on[language] : phrases.off[language];
  if (Array.isArray(value)) return value.length === 0 ? phrases.empty[language] : value.join(', ');
  return String(value);
}

const sentence = (text: string) => (/[.!?)]$/.test(text) ? text : `${text}.`);

function explainText(mapping: RegistryMapping, schema: Record<string, unknown>, language: Language): string {
  const node = schemaNode(schema, mapping.path);
  const item = concrete(node).items;
  const description = language === 'en' ? node.description : textOf(mapping).descriptionDe;
  if (!description) throw new Error(`no description for ${mapping.path.join('.')}`);
  const parts = [sentence(description)];
  if (mapping.path[0] === 'provider') parts.push(phrases.provider[language]);
  if (mapping.encoding === 'boolean') parts.push(phrases.boolean[language]);
  if (mapping.encoding === 'strings') {
    const allowed = item?.enum ? ` ${phrases.allowed[language]}: ${item.enum.join(', ')}.` : '';
    parts.push(`${phrases.strings[language]}${allowed}`);
  }
  if (mapping.encoding === 'pem') parts.push(phrases.pem[language]);
  if (mapping.encoding === 'json') {
    parts.push(`${phrases.json[language]} ${JSON.stringify(examplePolicy[mapping.path[0] as 'iceServers'])}`);
  }
  // A default of null (no provider, follow the system, keep the history) is explained by the description.
  const fallback = defaultOf(mapping);
  if (fallback !== null)
    parts.push(`${phrases.defaultValue[language]}: ${formatDefault(fallback, language)}.`);
  parts.push(phrases.precedence[language]);
  parts.push(`${phrases.registryValue[language]}: ${mapping.valueName} (${registryType(mapping)})`);
  return parts.join('\n\n');
}

export function registryType(mapping: RegistryMapping): string {
  switch (mapping.encoding) {
    case 'boolean':
    case 'number':
      return 'REG_DWORD';
    case 'strings':
    case 'pem':
      return 'REG_MULTI_SZ';
    case 'string':
    case 'json':
      return 'REG_SZ';
  }
}

const categoryId = (name: string) => `Cat_${name}`;

/** Windows ADMX: one policy per registry value, for Computer and User configuration ("Both"). */
export function admx(schema: Record<string, unknown>): string {
  const root = create({ version: '1.0', encoding: 'utf-8' }).ele(POLICY_DEFINITIONS_NS, 'policyDefinitions', {
    revision: '1.0',
    schemaVersion: '1.0',
  });
  root.com(' Generated by `npm run policy:templates` from shared/policy/schema.ts: do not edit. ');
  root
    .ele('policyNamespaces')
    .ele('target', { prefix: 'securesoftphone', namespace: `${POLICY_VENDOR}.Policies.${POLICY_APP}` });
  root.ele('resources', { minRequiredRevision: '1.0' });
  root
    .ele('supportedOn')
    .ele('definitions')
    .ele('definition', { name: SUPPORTED_ON, displayName: `$(string.${SUPPORTED_ON})` });
  const categoryList = root.ele('categories');
  categoryList.ele('category', {
    name: ROOT_CATEGORY,
    displayName: `$(string.${categoryId(ROOT_CATEGORY)})`,
  });
  for (const name of categoryNames) {
    categoryList
      .ele('category', { name: categoryId(name), displayName: `$(string.${categoryId(name)})` })
      .ele('parentCategory', { ref: ROOT_CATEGORY });
  }
  const policies = root.ele('policies');
  for (const mapping of registryMappings) {
    const name = mapping.valueName;
    const node = concrete(schemaNode(schema, mapping.path));
    const policy = policies.ele('policy', {
      name,
      class: 'Both',
      displayName: `$(string.${name})`,
      explainText: `$(string.${name}_Explain)`,
      ...(mapping.encoding !== 'boolean' && { presentation: `$(presentation.${name})` }),
      key: POLICY_REGISTRY_KEY,
      ...(mapping.encoding === 'boolean' && { valueName: name }),
    });
    policy.ele('parentCategory', { ref: categoryId(textOf(mapping).category) });
    policy.ele('supportedOn', { ref: SUPPORTED_ON });
    admxElements(policy, mapping, node);
  }
  return root.end({ prettyPrint: true, indent: '  ' }) + '\n';
}

function admxElements(policy: XMLBuilder, mapping: RegistryMapping, node: JsonSchemaNode): void {
  const name = mapping.valueName;
  switch (mapping.encoding) {
    case 'boolean':
      policy.ele('enabledValue').ele('decimal', { value: '1' });
      policy.ele('disabledValue').ele('decimal', { value: '0' });
      return;
    case 'number':
      policy.ele('elements').ele('decimal', {
        id: name,
        valueName: name,
        required: 'true',
        ...(node.minimum !== undefined && { minValue: String(node.minimum) }),
        ...(node.maximum !== undefined && { maxValue: String(node.maximum) }),
      });
      return;
    case 'string':
      if (node.enum) {
        const list = policy.ele('elements').ele('enum', { id: name, valueName: name, required: 'true' });
        for (const value of node.enum) {
          list
            .ele('item', { displayName: `$(string.${name}_${value})` })
            .ele('value')
            .ele('string')
            .txt(value);
        }
        return;
      }
      policy.ele('elements').ele('text', {
        id: name,
        valueName: name,
        required: 'true',
        maxLength: String(node.maxLength ?? 2048),
      });
      return;
    case 'json':
      policy.ele('elements').ele('text', { id: name, valueName: name, required: 'true', maxLength: '16384' });
      return;
    case 'strings':
    case 'pem':
      // One registry string per line; each line (a domain, a pin, 64 characters of PEM) stays well below the
      // editor's default limit of 1023 characters per string.
      policy.ele('elements').ele('multiText', { id: name, valueName: name, required: 'true' });
      return;
  }
}

/** Windows ADML: the texts of the ADMX in one language. */
export function adml(schema: Record<string, unknown>, language: Language): string {
  const root = create({ version: '1.0', encoding: 'utf-8' }).ele(
    POLICY_DEFINITIONS_NS,
    'policyDefinitionResources',
    { revision: '1.0', schemaVersion: '1.0' },
  );
  root.com(' Generated by `npm run policy:templates` from shared/policy/schema.ts: do not edit. ');
  root.ele('displayName').txt(phrases.productPolicies[language]);
  root.ele('description').txt(phrases.templateDescription[language]);
  const resources = root.ele('resources');
  const strings = resources.ele('stringTable');
  const string = (id: string, text: string) => strings.ele('string', { id }).txt(text);
  string(categoryId(ROOT_CATEGORY), phrases.productPolicies[language]);
  for (const name of categoryNames) string(categoryId(name), categories[name][language]);
  string(SUPPORTED_ON, phrases.supportedOn[language]);
  for (const mapping of registryMappings) {
    string(mapping.valueName, textOf(mapping).title[language]);
    string(`${mapping.valueName}_Explain`, explainText(mapping, schema, language));
    const node = concrete(schemaNode(schema, mapping.path));
    if (mapping.encoding === 'string' && node.enum) {
      for (const value of node.enum) string(`${mapping.valueName}_${value}`, value);
    }
  }
  const presentations = resources.ele('presentationTable');
  for (const mapping of registryMappings) {
    if (mapping.encoding === 'boolean') continue;
    const name = mapping.valueName;
    const label = textOf(mapping).title[language];
    const node = concrete(schemaNode(schema, mapping.path));
    const presentation = presentations.ele('presentation', { id: name });
    switch (mapping.encoding) {
      case 'number': {
        const fallback = defaultOf(mapping);
        presentation
          .ele('decimalTextBox', {
            refId: name,
            ...(typeof fallback === 'number' && { defaultValue: String(fallback) }),
          })
          .txt(label);
        break;
      }
      case 'string':
        if (node.enum) presentation.ele('dropdownList', { refId: name, noSort: 'true' }).txt(label);
        else presentation.ele('textBox', { refId: name }).ele('label').txt(label);
        break;
      case 'json':
        presentation.ele('textBox', { refId: name }).ele('label').txt(label);
        break;
      case 'strings':
      case 'pem':
        presentation.ele('multiTextBox', { refId: name }).txt(label);
        break;
    }
  }
  return root.end({ prettyPrint: true, indent: '  ' }) + '\n';
}

/** A stable UUID per name, so that regenerating the profile changes nothing. */
const profileUuid = (name: string) => uuidv5(`https://${POLICY_APP_ID}/${name}`, uuidv5.URL).toUpperCase();

/** macOS configuration profile: one payload whose type is the app id, holding the policy keys as they are. */
export function mobileconfig(): string {
  const payload: Record<string, PlistValue> = {
    PayloadDisplayName: 'Secure Softphone policy',
    PayloadIdentifier: `${POLICY_APP_ID}.policy`,
    PayloadType: POLICY_APP_ID,
    PayloadUUID: profileUuid('policy-payload'),
    PayloadVersion: 1,
    ...(examplePolicy as unknown as Record<string, PlistValue>),
  };
  const profile: Record<string, PlistValue> = {
    PayloadContent: [payload],
    PayloadDescription:
      'Example managed policy for Secure Softphone: replace the example values (and the identifiers and UUIDs) with your own. Keys: see POLICY.md.',
    PayloadDisplayName: 'Secure Softphone',
    PayloadIdentifier: `${POLICY_APP_ID}.profile`,
    PayloadOrganization: 'Example Organisation',
    PayloadScope: 'System',
    PayloadType: 'Configuration',
    PayloadUUID: profileUuid('policy-profile'),
    PayloadVersion: 1,
  };
  return buildPlist(profile, { indent: '\t' }) + '\n';
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function describeType(node: JsonSchemaNode): string {
  if (node.anyOf) return node.anyOf.map(describeType).join(' or ');
  switch (node.type) {
    case 'null':
      return 'null';
    case 'boolean':
      return 'boolean';
    case 'integer':
      return `integer ${node.minimum ?? ''}–${node.maximum ?? ''}`;
    case 'string': {
      if (node.enum) return `one of ${node.enum.map((v) => `\`${v}\``).join(', ')}`;
      if (node.format === 'uri') return 'URL';
      if (node.pattern && !node.format) return `string matching \`${node.pattern}\``;
      if (node.maxLength !== undefined)
        return `string of ${node.minLength ?? 0}–${node.maxLength} characters`;
      return 'string';
    }
    case 'array': {
      const bounds = [
        node.minItems !== undefined && `at least ${node.minItems}`,
        node.maxItems !== undefined && `at most ${node.maxItems}`,
      ].filter(Boolean);
      const items = node.items ? describeType(node.items) : 'values';
      return `list of ${items}${bounds.length > 0 ? ` (${bounds.join(', ')})` : ''}`;
    }
    case 'object': {
      const keys = Object.keys(node.properties ?? {}).map((key) =>
        node.required?.includes(key) ? `\`${key}\`` : `\`${key}\`?`,
      );
      return `object {${keys.join(', ')}}`;
    }
    default:
      return 'value';
  }
}

/** The policy reference (Markdown): every key with its type, default, registry value and description. */
export function policyReference(schema: Record<string, unknown>): string {
  const defaults = resolvePolicy({}) as unknown as Record<string, unknown>;
  const [macMachine, macUser] = managedPreferencesPaths('<user>');
  const rows: string[] = [];
  const topKeys = Object.keys(PolicyFile.shape);
  for (const key of topKeys) {
    const node = schemaNode(schema, [key]);
    const mappings = registryMappings.filter((m) => m.path[0] === key);
    const nested = mappings.some((mapping) => mapping.path.length > 1);
    const registry = nested
      ? 'see below'
      : mappings.map((m) => `\`${m.valueName}\` (${registryType(m)})`).join('');
    rows.push(
      `| \`${key}\` | ${cell(describeType(node))} | \`${cell(JSON.stringify(defaults[key]))}\` | ${registry} | ${cell(sentence(node.description ?? ''))} |`,
    );
    if (nested) {
      for (const mapping of mappings) {
        const field = schemaNode(schema, mapping.path);
        rows.push(
          `| \`${mapping.path.join('.')}\` | ${cell(describeType(field))} | | \`${mapping.valueName}\` (${registryType(mapping)}) | ${cell(sentence(field.description ?? ''))} |`,
        );
      }
    }
  }
  const iceServer = concrete(schemaNode(schema, ['iceServers'])).items?.properties ?? {};
  const iceRows = Object.entries(iceServer).map(
    ([key, node]) =>
      `| \`${key}\` | ${cell(describeType(node))} | ${cell(sentence(node.description ?? ''))} |`,
  );
  const exampleFile = Object.fromEntries(
    Object.entries(examplePolicy).filter(([key]) =>
      ['provider', 'signInMethods', 'requireMfa', 'defaultCountry'].includes(key),
    ),
  );
  return `<!-- Generated by \`npm run policy:templates\` from shared/policy/schema.ts: do not edit. -->

# Secure Softphone policy reference

IT steers the app with one managed policy. Every key is optional; a key that is set cannot be changed by
users, and the matching setting shows as _Set by your organisation_. A policy that does not validate stops
the app with a message that names each bad key (fail closed). Changes apply while the app runs: on Linux
at once, on Windows and macOS within 30 seconds (the registry and managed preferences are read again every
30 s). A policy that turns invalid while the app runs keeps the last valid one in force.

## Where the app reads it

| Platform | Read from (first wins) | Deploy with |
| --- | --- | --- |
| Linux | \`${LINUX_POLICY_PATH}\` (JSON, [schema](policy.schema.json)) | your configuration management or package |
| Windows | \`${MACHINE_HIVE}\\${POLICY_REGISTRY_KEY}\`, then \`${USER_HIVE}\\${POLICY_REGISTRY_KEY}\` | Group Policy or Intune (ADMX ingestion) with [\`${ADMX_NAME}.admx\`](${ADMX_NAME}.admx) and its [English](en-US/${ADMX_NAME}.adml) and [German](de-DE/${ADMX_NAME}.adml) ADML |
| macOS | \`${macMachine}\`, then \`${macUser}\` | a configuration profile (Jamf or any MDM) whose payload type is \`${POLICY_APP_ID}\`: [example](${ADMX_NAME}.mobileconfig) |

**Precedence.** The machine beats the user, and the user beats the defaults, key by key: a key set for the
computer (HKLM, the machine-wide managed preferences) wins over the same key set for the user (HKCU, the
user's managed preferences); keys set nowhere take the default below. \`provider\` counts as one key: its
four values always come from the same place. A bad value in either place stops the app.

## Keys

| Key | Type | Default | Windows registry value | Description |
| --- | --- | --- | --- | --- |
${rows.join('\n')}

Each entry of \`iceServers\`:

| Field | Type | Description |
| --- | --- | --- |
${iceRows.join('\n')}

## Windows registry values

Group Policy writes the values under \`${POLICY_REGISTRY_KEY}\` in HKLM (Computer Configuration) or HKCU
(User Configuration); Intune does the same with the ingested ADMX. The ADMX stores:

| Policy type | Registry type | Example |
| --- | --- | --- |
| boolean | REG_DWORD, 1 on, 0 off | \`RequireMfa\` = 1 |
| integer | REG_DWORD | \`IdleLockMinutes\` = 15 |
| string, URL, one of | REG_SZ | \`ProviderIssuer\` = https://login.provider.example |
| list of strings | REG_MULTI_SZ, one entry per string (one per line in the editor) | \`SignInMethods\` = company, provider |
| \`extraCaCertificates\` | REG_MULTI_SZ holding the lines of the PEM certificates, pasted as they are | |
| \`iceServers\` | REG_SZ holding the JSON list | \`IceServers\` = [{"urls":["turns:turn.provider.example:443?transport=tcp"]}] |

The registry has no null: \`historyRetentionDays\` not set keeps the history. A value with the wrong type,
an unknown value name or a value in a subkey is an error that names the key.

## macOS managed preferences

The profile's payload holds the keys exactly as in the JSON file (\`provider\` as a dictionary, lists as
arrays, booleans as \`<true/>\`/\`<false/>\`, numbers as \`<integer>\`). Payload keys (\`PayloadUUID\`, ...)
are ignored. The [example profile](${ADMX_NAME}.mobileconfig) sets every key; replace its values, identifiers
and UUIDs with your own before you deploy it.

## Example (Linux)

\`\`\`json
${JSON.stringify(exampleFile, null, 2)}
\`\`\`
`;
}

async function pretty(text: string, path: string): Promise<string> {
  const options = (await resolveConfig(path)) ?? {};
  return format(text, { ...options, filepath: path });
}

/** Every generated file, by path relative to build/policy. */
export async function generatePolicyTemplates(): Promise<Map<string, string>> {
  const schema = policyJsonSchema();
  const files = new Map<string, string>();
  files.set(
    'policy.schema.json',
    await pretty(JSON.stringify(schema), join(POLICY_DIR, 'policy.schema.json')),
  );
  files.set(`${ADMX_NAME}.admx`, admx(schema));
  for (const [language, folder] of Object.entries(languages) as [Language, string][]) {
    files.set(`${folder}/${ADMX_NAME}.adml`, adml(schema, language));
  }
  files.set(`${ADMX_NAME}.mobileconfig`, mobileconfig());
  files.set('POLICY.md', await pretty(policyReference(schema), join(POLICY_DIR, 'POLICY.md')));
  return files;
}

async function main(): Promise<void> {
  const files = await generatePolicyTemplates();
  for (const [relative, content] of files) {
    const path = join(POLICY_DIR, relative);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, content);
    console.log(`wrote build/policy/${relative}`);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main();
}
