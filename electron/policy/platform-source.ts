import { userInfo } from 'node:os';
import type { Every } from './layered-source.js';
import { managedPreferencesPolicySource, type ReadBytes } from './macos-preferences.js';
import { filePolicySource, LINUX_POLICY_PATH, type PolicySource } from './source.js';
import { registryPolicySource, type RunReg } from './windows-registry.js';

export interface PlatformPolicyDeps {
  /** A JSON policy file to read instead of the platform's store (development and tests only). */
  overridePath?: string | undefined;
  userName?: () => string;
  runReg?: RunReg;
  readBytes?: ReadBytes;
  every?: Every;
}

/**
 * Where managed policy comes from on this platform: the registry on Windows (Group Policy, Intune), managed
 * preferences on macOS (configuration profiles, Jamf), `/etc/secure-softphone/policy.json` elsewhere.
 */
export function platformPolicySource(platform: NodeJS.Platform, deps: PlatformPolicyDeps = {}): PolicySource {
  if (deps.overridePath) return filePolicySource(deps.overridePath);
  const timing = deps.every && { every: deps.every };
  switch (platform) {
    case 'win32':
      return registryPolicySource({ ...(deps.runReg && { runReg: deps.runReg }), ...timing });
    case 'darwin':
      return managedPreferencesPolicySource({
        userName: (deps.userName ?? (() => userInfo().username))(),
        ...(deps.readBytes && { readBytes: deps.readBytes }),
        ...timing,
      });
    default:
      return filePolicySource(LINUX_POLICY_PATH);
  }
}
