import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { parse, parseBinary, type PlistValue } from 'plist';
import { POLICY_APP_ID } from '../../shared/policy/managed-keys.js';
import {
  layeredPolicySource,
  type Every,
  type PolicyLayer,
  type PolicyLayerContent,
} from './layered-source.js';
import type { PolicySource } from './source.js';

export const MANAGED_PREFERENCES_DIR = '/Library/Managed Preferences';

/** The machine-wide file, then the user's, as macOS writes them for an installed configuration profile. */
export function managedPreferencesPaths(userName: string, appId = POLICY_APP_ID): [string, string] {
  return [
    `${MANAGED_PREFERENCES_DIR}/${appId}.plist`,
    `${MANAGED_PREFERENCES_DIR}/${userName}/${appId}.plist`,
  ];
}

const BINARY_MAGIC = 'bplist00';

/** Managed preferences are often binary plists (cfprefsd writes bplist00); profiles and tests give XML. */
export function parsePlistBytes(bytes: Uint8Array): PlistValue {
  const magic = new TextDecoder().decode(bytes.subarray(0, BINARY_MAGIC.length));
  return magic === BINARY_MAGIC ? parseBinary(bytes) : parse(new TextDecoder().decode(bytes));
}

function isDictionary(value: PlistValue): value is { [key: string]: PlistValue } {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    !(value instanceof Date) &&
    !(value instanceof Uint8Array)
  );
}

/**
 * The policy keys in a managed-preferences plist: its top-level dictionary, without the Payload* keys a
 * profile's payload carries (PayloadUUID, PayloadType, ...), which are about the profile, not the policy.
 */
export function preferencesLayerContent(bytes: Uint8Array): PolicyLayerContent {
  let value: PlistValue;
  try {
    value = parsePlistBytes(bytes);
  } catch (error) {
    return { status: 'unreadable', issue: { code: 'invalid-plist', detail: (error as Error).message } };
  }
  if (!isDictionary(value)) return { status: 'unreadable', issue: { code: 'no-dictionary' } };
  const raw = Object.fromEntries(Object.entries(value).filter(([key]) => !key.startsWith('Payload')));
  return { status: 'present', raw, problems: [] };
}

export type ReadBytes = (path: string) => Promise<Uint8Array>;

function preferencesLayer(path: string, read: ReadBytes): PolicyLayer {
  return {
    location: path,
    async read() {
      let bytes: Uint8Array;
      try {
        bytes = await read(path);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
          return { content: { status: 'absent' }, fingerprint: 'absent' };
        }
        const detail = (error as Error).message;
        return {
          content: { status: 'unreadable', issue: { code: 'unreadable', detail } },
          fingerprint: detail,
        };
      }
      return {
        content: preferencesLayerContent(bytes),
        fingerprint: createHash('sha256').update(bytes).digest('hex'),
      };
    },
  };
}

export interface ManagedPreferencesDeps {
  userName: string;
  readBytes?: ReadBytes;
  every?: Every;
}

/** macOS: `/Library/Managed Preferences/<app id>.plist`, then the user's own under `<user name>/`. */
export function managedPreferencesPolicySource(deps: ManagedPreferencesDeps): PolicySource {
  const read = deps.readBytes ?? ((path) => readFile(path));
  return layeredPolicySource(
    managedPreferencesPaths(deps.userName).map((path) => preferencesLayer(path, read)),
    { ...(deps.every && { every: deps.every }) },
  );
}
