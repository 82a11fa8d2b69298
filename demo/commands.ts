import type { TestAccount } from '../e2e/provider/login-broker.js';
import { totpNow } from '../e2e/provider/oidc-test-client.js';
import type { ProviderStack } from '../e2e/provider/stack.js';
import { setProviderStatus } from '../e2e/provider/status-endpoint.js';
import type { DemoApp } from './app.js';
import type { ControlCommand } from './args.js';
import { DIRECTORY, type Peers } from './peers.js';

/** What `npm run demo -- --call-me` and the other options do in the running demo; the answer is printed there. */
export function demoCommands(running: {
  stack: ProviderStack;
  user: TestAccount;
  peers: Peers;
  app: DemoApp;
  statusIntervalMs: number;
}): (command: ControlCommand) => Promise<string> {
  const { stack, user, peers, app } = running;
  const { colleague } = DIRECTORY;
  let incidents = 0;
  return async (command) => {
    switch (command.kind) {
      case 'call-me':
        await peers.callMe(`sip:${user.sipUsername}@${stack.kamailio.sipDomain}`);
        return `${colleague.name} (${colleague.extension}) is calling you.`;
      case 'incident': {
        incidents += 1;
        const startedAt = new Date().toISOString();
        await setProviderStatus(stack.statusControlPath, {
          status: {
            status: 'outage',
            incidents: [
              { id: `demo-${incidents}`, title: command.title, status: 'investigating', startedAt },
            ],
          },
        });
        return `Your provider's status page reports "${command.title}"; the app shows it within ${running.statusIntervalMs / 1000} s.`;
      }
      case 'all-clear':
        await setProviderStatus(stack.statusControlPath, {
          status: { status: 'operational', incidents: [] },
        });
        return "Your provider's status page reports all systems operational again.";
      case 'code': {
        const seconds = 30 - (Math.floor(Date.now() / 1000) % 30);
        return `${totpNow(user.totpSecret!)} (valid for another ${seconds} s)`;
      }
      case 'screenshot':
        await app.page.screenshot({ path: command.path });
        return `Saved a picture of the app's window in ${command.path}.`;
    }
  };
}
