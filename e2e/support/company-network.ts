import { mkdtemp } from 'node:fs/promises';
import { join } from 'node:path';
import type { LoginBroker } from '../provider/login-broker.js';
import { startTinyproxy, type TinyproxyHandle } from '../provider/proxy.js';
import { startStackBroker, type SignInUsers } from '../provider/stack-broker.js';
import { refuseDirectConnections, type Firewall } from './firewall.js';
import { startPrivateEdge } from './private-edge.js';
import { readStackState } from './stack-state.js';

/**
 * Issue 17 item 7: the company network. The provider's servers (its own SIP edge, login broker with the
 * provider API and audit ingest) can be reached only through the company's proxy, Debian's tinyproxy with
 * Basic authentication: a firewall rule set in the namespace resets every direct TCP connection to their
 * ports unless it comes from the proxy's user. The rules match only these servers' ports, chosen at run
 * time, so the other worker's specs in the same namespace never meet them (e2e/support/firewall.ts).
 */
export interface CompanyNetwork {
  dir: string;
  proxy: TinyproxyHandle;
  firewall: Firewall;
  broker: LoginBroker;
  users: SignInUsers;
  edge: Awaited<ReturnType<typeof startPrivateEdge>>;
  auditDatabasePath: string;
  /** The servers' ports that only the proxy may reach (more can be added before the firewall goes up). */
  ports: number[];
  /** The app's policy for these servers (the stack's CA, the private edge, the broker as issuer). */
  policy: object;
  stop(): Promise<void>;
}

export async function startCompanyNetwork(options: {
  credentials: { username: string; password: string };
  /** Servers of the spec's own (an update feed) that also only the proxy may reach. */
  extraPorts?: number[];
}): Promise<CompanyNetwork> {
  const state = readStackState();
  const dir = await mkdtemp(join(state.runDir, 'proxy-'));
  const pki = {
    serverCertPath: state.serverCertPath,
    serverKeyPath: state.serverKeyPath,
    caCertPath: state.caCertPath,
  };
  const edge = await startPrivateEdge();
  const auditDatabasePath = join(dir, 'provider-audit.sqlite');
  const { broker, users } = await startStackBroker(pki, edge, { auditDatabasePath });
  const proxy = await startTinyproxy({ dir, basicAuth: options.credentials });
  const ports = [edge.wssPort, Number(new URL(broker.issuer).port), ...(options.extraPorts ?? [])];
  const firewall = await refuseDirectConnections({ ports, allowUid: proxy.uid });
  const policy = {
    extraCaCertificates: [state.caCertPem],
    provider: {
      issuer: broker.issuer,
      clientId: broker.clientId,
      wssUrl: edge.wssUrl,
      apiBaseUrl: broker.apiBaseUrl,
    },
  };
  return {
    dir,
    proxy,
    firewall,
    broker,
    users,
    edge,
    auditDatabasePath,
    ports,
    policy,
    async stop() {
      await firewall.remove();
      await proxy.stop();
      await broker.stop();
      await edge.stop();
    },
  };
}
