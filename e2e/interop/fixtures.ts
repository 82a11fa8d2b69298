import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test as base } from '../support/fixtures.js';
import { readStackState } from '../support/stack-state.js';
import { traceMark, traceSince } from './sip-trace.js';

export interface SipTrace {
  /** SIP user names whose dialogs a failed test's trace keeps (all dialogs while none is named). */
  follow(...names: string[]): void;
  /** The trace so far: the edge's SIP messages of the followed users' dialogs since the test started. */
  text(): Promise<string>;
}

/**
 * The app fixtures, plus the SIP trace of a failed test: the messages the stack's edge exchanged during it
 * (its sipdump), attached as `sip-trace` for the interop matrix reporter to keep beside the table.
 */
export const test = base.extend<{ sipTrace: SipTrace }>({
  sipTrace: [
    // eslint-disable-next-line no-empty-pattern -- Playwright fixtures take their dependencies as a destructured object
    async ({}, use, testInfo) => {
      const dir = join(readStackState().runDir, 'kamailio');
      const mark = await traceMark(dir);
      const names = new Set<string>();
      await use({
        follow: (...followed) => followed.forEach((name) => names.add(name)),
        text: () => traceSince(dir, mark, names),
      });
      if (testInfo.status === testInfo.expectedStatus) return;
      const path = testInfo.outputPath('sip-trace.txt');
      await writeFile(path, (await traceSince(dir, mark, names)) || '(no SIP message of this test)\n');
      await testInfo.attach('sip-trace', { path, contentType: 'text/plain' });
    },
    { auto: true },
  ],
});

export { expect } from '@playwright/test';
