import { readFileSync } from 'node:fs';
import type { ProviderStack } from '../provider/stack.js';

/** What the global setup tells the test workers about the running provider stack. */
export interface StackState {
  runDir: string;
  caCertPath: string;
  caCertPem: string;
  serverCertPath: string;
  serverKeyPath: string;
  trustedHome: string;
  untrustedHome: string;
  wssUrl: string;
  udpPort: number;
  sipDomain: string;
  ctlSocket: string;
  /** Every process the stack runs, stopped by PID in the teardown. */
  pids: number[];
}

export const STATE_ENV = 'SOFTPHONE_E2E_STATE';

export function readStackState(): StackState {
  const path = process.env[STATE_ENV];
  if (!path)
    throw new Error(`${STATE_ENV} is not set: run the specs through playwright.config.ts (global setup)`);
  return JSON.parse(readFileSync(path, 'utf8')) as StackState;
}

/** The state a running stack hands to the processes that use it. */
export function stackStateOf(stack: ProviderStack): StackState {
  return {
    runDir: stack.runDir,
    caCertPath: stack.caCertPath,
    caCertPem: stack.caCertPem,
    serverCertPath: stack.serverCertPath,
    serverKeyPath: stack.serverKeyPath,
    trustedHome: stack.trustedHome,
    untrustedHome: stack.untrustedHome,
    wssUrl: stack.kamailio.wssUrl,
    udpPort: stack.kamailio.udpPort,
    sipDomain: stack.kamailio.sipDomain,
    ctlSocket: stack.kamailio.ctlSocket,
    pids: [stack.kamailio.pid, ...stack.keyring.pids],
  };
}
