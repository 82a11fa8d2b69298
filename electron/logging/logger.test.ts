import { describe, expect, it } from 'vitest';
import { createLogger, parseLogLevel, PERSONAL, redactText, SECRET, type LogLevel } from './logger.js';

/** A logger whose lines are collected instead of written to stderr. */
function collecting(level: LogLevel) {
  const lines: Array<{ level: LogLevel; line: string }> = [];
  const logger = createLogger({
    level,
    now: () => Date.UTC(2026, 0, 2, 3, 4, 5),
    write: (line, at) => lines.push({ level: at, line }),
  });
  return { logger, lines, text: () => lines.map((l) => l.line).join('\n') };
}

const HA1 = 'd7bfcc06b436945e73fd7c0a780c807a';
const DB_KEY = 'a3f1c09e7b5d4e2f8a6c1b0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f';
const JWT =
  'eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJlcmlrYSIsImFtciI6WyJwd2QiLCJvdHAiXX0.c2lnbmF0dXJlLWJ5dGVz';
const SECRETS = [
  's3cret-Passw0rd',
  HA1,
  DB_KEY,
  JWT,
  'opaque-refresh-7d1c',
  'dGhlIGJhc2ljIHBhc3N3b3Jk',
  '5f0a1c',
];
const PERSONAL_DATA = [
  'erika',
  'Erika Mustermann',
  '+49 30 1234567',
  '4930123456',
  'erika@example.de',
  '0170 7654321',
];

/** A failure the way libraries report them: secrets and personal data in messages, fields and causes. */
function leakyError(): Error {
  const cause = new Error(
    `REGISTER sip:erika@example.eu failed: Authorization: Digest username="erika", realm="example.eu", nonce="5f0a1c", uri="sip:example.eu", response="${HA1}"`,
  );
  return Object.assign(
    new Error(`token endpoint said 400 for refresh_token=opaque-refresh-7d1c&client_id=softphone (${JWT})`, {
      cause,
    }),
    {
      request: {
        headers: { authorization: 'Basic dGhlIGJhc2ljIHBhc3N3b3Jk' },
        body: { password: 's3cret-Passw0rd' },
      },
    },
  );
}

const details = {
  account: {
    displayName: 'Erika Mustermann',
    sipUri: 'sip:erika@example.eu',
    authorizationUser: 'erika',
    password: 's3cret-Passw0rd',
    ha1: HA1,
  },
  databaseKey: DB_KEY,
  tokens: { access_token: JWT, refresh_token: 'opaque-refresh-7d1c' },
  call: { remoteUri: 'sip:+4930123456@example.eu', remoteName: 'Erika Mustermann' },
  channel: 'sipAccount.save',
};

describe('logger', () => {
  it('writes no secret and no personal data at info, and keeps what helps to find the fault', () => {
    const { logger, text } = collecting('info');
    logger.error('IPC sipAccount.save failed', leakyError());
    logger.info('Saving the account', details);
    logger.warn(
      `Call from "Erika Mustermann" <sip:erika@example.eu>, callback 0170 7654321, mail erika@example.de`,
    );
    logger.info(`Calling +49 30 1234567.`);
    logger.info(`PRAGMA key="x'${DB_KEY}'"`);
    const out = text();
    for (const secret of SECRETS) expect(out).not.toContain(secret);
    for (const personal of PERSONAL_DATA) expect(out).not.toContain(personal);
    expect(out).toContain(SECRET);
    expect(out).toContain(PERSONAL);
    // What is not personal stays readable.
    expect(out).toContain('IPC sipAccount.save failed');
    expect(out).toContain('token endpoint said 400');
    expect(out).toContain('caused by: Error: REGISTER sip:');
    expect(out).toContain('"channel":"sipAccount.save"');
    expect(out).toContain('client_id=softphone');
    expect(out).toMatch(/^2026-01-02T03:04:05\.000Z ERROR IPC/);
  });

  it('keeps personal data at debug level, but still never a secret', () => {
    const { logger, text } = collecting('debug');
    logger.debug('Saving the account', details);
    logger.debug('Registration failed', leakyError());
    logger.debug(`Call from "Erika Mustermann" <sip:erika@example.eu>, callback +49 30 1234567`);
    const out = text();
    for (const secret of SECRETS) expect(out).not.toContain(secret);
    expect(out).toContain('Erika Mustermann');
    expect(out).toContain('sip:erika@example.eu');
    expect(out).toContain('+49 30 1234567');
    expect(out).toContain('sip:+4930123456@example.eu');
  });

  it('drops lines below its level without formatting them', () => {
    const { logger, lines } = collecting('warn');
    let read = false;
    const detail = {
      get value() {
        read = true;
        return 1;
      },
    };
    logger.debug('a', detail);
    logger.info('b', detail);
    logger.warn('c');
    logger.error('d');
    expect(lines.map((l) => l.level)).toEqual(['warn', 'error']);
    expect(read).toBe(false);
  });

  it('survives circular and deep details', () => {
    const { logger, text } = collecting('info');
    const loop: Record<string, unknown> = { channel: 'x' };
    loop.self = loop;
    logger.error('loop', loop);
    expect(text()).toContain('[circular]');
  });

  it('reads its level from the environment, defaulting to info', () => {
    expect(parseLogLevel('DEBUG')).toBe('debug');
    expect(parseLogLevel(' warn ')).toBe('warn');
    expect(parseLogLevel(undefined)).toBe('info');
    expect(parseLogLevel('verbose')).toBe('info');
  });
});

describe('redaction of free text', () => {
  it.each([
    ['Proxy-Authorization: Digest username="a", response="0123"', 'Proxy-Authorization: [secret]'],
    ['Authorization: Bearer abc.def', 'Authorization: [secret]'],
    ['sent Bearer abc.def-ghi to the API', 'sent Bearer [secret] to the API'],
    ['{"password":"hunter2","user":"x"}', '{"password":"[secret]","user":"x"}'],
    ['database-key=0011 done', 'database-key=[secret] done'],
    ['-----BEGIN PRIVATE KEY-----\nMIIEv\n-----END PRIVATE KEY-----', '[secret]'],
  ])('removes secrets: %s', (input, expected) => {
    expect(redactText(input, true)).toBe(expected);
  });

  it.each([
    ['2026-03-04T05:06:07.890Z', '2026-03-04T05:06:07.890Z'],
    ['wss://127.0.0.1:5061/ws closed with 1006', 'wss://127.0.0.1:5061/ws closed with 1006'],
    ['keytar: Cannot autolaunch D-Bus', 'keytar: Cannot autolaunch D-Bus'],
    ['database cannot be opened (key-missing)', 'database cannot be opened (key-missing)'],
    ['call 0f8fad5b-d9cb-469f-a165-70867728950e ended', 'call 0f8fad5b-d9cb-469f-a165-70867728950e ended'],
  ])('leaves what is neither secret nor personal: %s', (input, expected) => {
    expect(redactText(input)).toBe(expected);
  });

  it.each([
    ['From: "Erika" <sip:erika@example.eu>;tag=1', 'From: [personal]'],
    ['dial tel:+4930123456 now', 'dial tel:[personal] now'],
    ['Rückruf an 030/123 45 67.', 'Rückruf an [personal].'],
    ['mail erika@example.de', 'mail [personal]'],
  ])('removes personal data below debug: %s', (input, expected) => {
    expect(redactText(input)).toBe(expected);
  });
});
