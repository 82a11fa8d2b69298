import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { setSipUser } from '../e2e/provider/kamailio.js';
import type { ProviderStack } from '../e2e/provider/stack.js';
import { startBaresip, type Baresip } from '../e2e/support/baresip.js';

/** The demo directory: an echo test and two colleagues, each a SIP phone (baresip) at the local edge. */
export const DIRECTORY = {
  echo: { extension: '100', name: 'Echo test', note: 'What you say comes back.' },
  colleague: {
    extension: '101',
    name: 'Clara Berger',
    note: 'Answers; calls you with npm run demo -- --call-me.',
  },
  second: { extension: '102', name: 'Tom Weber', note: 'Answers; for transfers and conferences.' },
} as const;
export type DirectoryKey = keyof typeof DIRECTORY;

/** How long the colleagues let it ring before they answer. */
const ANSWER_AFTER_MS = 2_000;

export interface Peers {
  phones: Record<DirectoryKey, Baresip>;
  /** The first colleague calls `uri`. */
  callMe(uri: string): Promise<void>;
  stop(): Promise<void>;
}

/** Answers every call that rings, after a moment, until stopped (or the phone is gone). */
function answerEveryCall(phone: Baresip): () => void {
  let stopped = false;
  void (async () => {
    let since = phone.events.length;
    while (!stopped) {
      const ringing = await phone
        .waitForEvent('CALL_INCOMING', { since, timeoutMs: 60_000 })
        .catch((error: Error) => (error.message.includes('within') ? null : 'gone'));
      if (ringing === 'gone' || stopped) return;
      if (!ringing) continue;
      since = phone.events.indexOf(ringing) + 1;
      await new Promise((resolve) => setTimeout(resolve, ANSWER_AFTER_MS));
      if (!stopped) await phone.command('accept').catch(() => undefined);
    }
  })();
  return () => {
    stopped = true;
  };
}

/** Registers the directory's phones at the stack's edge: the echo test answers itself, the colleagues after a ring. */
export async function startPeers(runDir: string, stack: ProviderStack): Promise<Peers> {
  const { sipDomain, udpPort, sipTlsPort } = stack.kamailio;
  const edge = { sipDomain, udpPort, sipTlsPort, caCertPath: stack.caCertPath };
  const started: Baresip[] = [];
  const stoppers: (() => void)[] = [];
  const stop = async () => {
    for (const stopAnswering of stoppers) stopAnswering();
    await Promise.all(started.map((phone) => phone.stop()));
  };
  try {
    const start = async (key: DirectoryKey) => {
      const { extension } = DIRECTORY[key];
      const password = randomBytes(12).toString('base64url');
      await setSipUser(stack.kamailio.ctlSocket, extension, password);
      const user = { username: extension, password, uri: `sip:${extension}@${edge.sipDomain}` };
      const phone = await startBaresip(join(runDir, `phone-${extension}`), user, {
        edge,
        audio: key === 'echo' ? 'echo' : 'sine',
      });
      started.push(phone);
      if (key !== 'echo') stoppers.push(answerEveryCall(phone));
      return phone;
    };
    const phones = {
      echo: await start('echo'),
      colleague: await start('colleague'),
      second: await start('second'),
    };
    return {
      phones,
      async callMe(uri) {
        await phones.colleague.command('dial', uri);
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
