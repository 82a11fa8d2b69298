import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createConnection, createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { z } from 'zod';
import type { ControlCommand } from './args.js';

/**
 * How a running demo is found by `npm run demo -- --call-me` and the like: `demo.json` in the state folder
 * names its process, its run folder and its control socket (a Unix socket: it reaches across network
 * namespaces, a loopback port would not).
 */
export const Announcement = z.object({
  pid: z.number().int().positive(),
  runDir: z.string(),
  socket: z.string(),
  /** Chromium's DevTools endpoint, with --devtools only. */
  devtoolsUrl: z.string().optional(),
});
export type Announcement = z.infer<typeof Announcement>;

const announcementPath = (stateDir: string) => join(stateDir, 'demo.json');

export async function readAnnouncement(stateDir: string): Promise<Announcement | null> {
  const text = await readFile(announcementPath(stateDir), 'utf8').catch(() => null);
  if (text === null) return null;
  try {
    const parsed = Announcement.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export async function announce(stateDir: string, announcement: Announcement): Promise<void> {
  await mkdir(stateDir, { recursive: true });
  await writeFile(announcementPath(stateDir), `${JSON.stringify(announcement, null, 2)}\n`);
}

/** Removes the announcement if it names this demo's socket (PIDs repeat across PID namespaces). */
export async function withdraw(stateDir: string, socket: string): Promise<void> {
  const current = await readAnnouncement(stateDir);
  if (current?.socket === socket) await rm(announcementPath(stateDir), { force: true });
}

/** Whether the announced demo answers on its socket (a crashed one leaves its announcement behind). */
export function answers(announcement: Announcement): Promise<boolean> {
  return new Promise((resolve) => {
    const connection = createConnection(announcement.socket, () => {
      connection.destroy();
      resolve(true);
    });
    connection.on('error', () => resolve(false));
  });
}

export interface ControlReply {
  ok: boolean;
  message: string;
}

/** Answers one JSON line per connection: the command in, the reply out. */
export async function serveControl(
  socket: string,
  handle: (command: ControlCommand) => Promise<string>,
): Promise<Server> {
  const server = createServer((connection) => {
    let text = '';
    connection.setEncoding('utf8').on('data', (chunk: string) => {
      text += chunk;
      if (!text.includes('\n') || text.length > 4096) return;
      const reply = (body: ControlReply) => connection.end(`${JSON.stringify(body)}\n`);
      let command: ControlCommand;
      try {
        command = JSON.parse(text.slice(0, text.indexOf('\n'))) as ControlCommand;
      } catch {
        return reply({ ok: false, message: 'not a command' });
      }
      handle(command).then(
        (message) => reply({ ok: true, message }),
        (error: unknown) => reply({ ok: false, message: (error as Error).message ?? String(error) }),
      );
    });
    connection.on('error', () => connection.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socket, () => resolve());
  });
  return server;
}

/** Sends a command to the running demo; its reply, or why there is none. */
export async function sendControl(stateDir: string, command: ControlCommand): Promise<ControlReply> {
  const running = await readAnnouncement(stateDir);
  if (!running) return { ok: false, message: 'No demo is running here: start one with `npm run demo`.' };
  return new Promise((resolve) => {
    let text = '';
    const connection = createConnection(running.socket, () =>
      connection.write(`${JSON.stringify(command)}\n`),
    );
    connection.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
    connection.on('end', () => {
      try {
        resolve(JSON.parse(text) as ControlReply);
      } catch {
        resolve({ ok: false, message: 'The demo gave no answer.' });
      }
    });
    connection.on('error', () =>
      resolve({
        ok: false,
        message: `The demo announced in ${announcementPath(stateDir)} does not answer (it may have crashed): start it again with \`npm run demo\`.`,
      }),
    );
  });
}
