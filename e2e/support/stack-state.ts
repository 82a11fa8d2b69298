import { readFileSync } from 'node:fs';
import type { SignInUsers } from '../provider/stack-broker.js';
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
  /** The edge's SIP-over-TLS port, for phones that sign in over TLS. */
  sipTlsPort: number;
  sipDomain: string;
  ctlSocket: string;
  /** rtpengine's NG control socket (`udp:127.0.0.1:PORT`), for edges of a spec's own that bridge media too. */
  rtpengineSocket: string;
  /** The login broker's OIDC issuer (discovery at `/.well-known/openid-configuration`), over HTTPS with the run's CA. */
  issuerUrl: string;
  /** Base URL of the provider API (`GET /v1/sip-credentials`). */
  apiBaseUrl: string;
  /** The app's client ID at the broker. */
  oidcClientId: string;
  /** Test users at the broker, one per sign-in choice, with their passwords and TOTP seeds. */
  signInUsers: SignInUsers;
  /** What the provider's audit ingest stored: read it with e2e/support/provider-audit.ts. */
  auditDatabasePath: string;
  /** What the provider's status page says: set it with `setProviderStatus` (e2e/provider/status-endpoint.ts). */
  statusControlPath: string;
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
    sipTlsPort: stack.kamailio.sipTlsPort,
    sipDomain: stack.kamailio.sipDomain,
    ctlSocket: stack.kamailio.ctlSocket,
    rtpengineSocket: stack.rtpengine.controlSocket,
    issuerUrl: stack.broker.issuer,
    apiBaseUrl: stack.broker.apiBaseUrl,
    oidcClientId: stack.broker.clientId,
    signInUsers: stack.signInUsers,
    auditDatabasePath: stack.auditDatabasePath,
    statusControlPath: stack.statusControlPath,
    pids: [stack.kamailio.pid, stack.rtpengine.pid, ...stack.keyring.pids],
  };
}
