import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import type { SipCredentials } from '../../shared/provider/api.js';

const md5 = (value: string) => createHash('md5').update(value).digest('hex');

/** Waits for the next SIP response on the socket (provisional ones skipped), bounded by a timeout. */
function nextResponse(socket: Socket): Promise<{ status: number; headers: string[] }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off('message', onMessage);
      reject(new Error('no SIP response within 5 s'));
    }, 5000);
    const onMessage = (message: Buffer) => {
      const lines = message.toString('utf8').split('\r\n');
      const status = Number(/^SIP\/2\.0 (\d{3}) /.exec(lines[0] ?? '')?.[1]);
      if (!status || status < 200) return;
      clearTimeout(timer);
      socket.off('message', onMessage);
      resolve({ status, headers: lines.slice(1) });
    };
    socket.on('message', onMessage);
  });
}

/**
 * Registers over UDP the way a SIP phone holding only the HA1 does (RFC 3261 digest, qop=auth when the
 * challenge offers it), and returns the final status of the authenticated REGISTER.
 */
export async function registerWithHa1(
  udpPort: number,
  credentials: SipCredentials,
  ha1: string,
): Promise<number> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  try {
    const local = socket.address().port;
    const user = credentials.authorizationUser;
    const domain = credentials.realm;
    const uri = `sip:${domain}`;
    const callId = randomUUID();
    const tag = randomBytes(6).toString('hex');
    const send = async (cseq: number, authorization?: string) => {
      const request = [
        `REGISTER ${uri} SIP/2.0`,
        `Via: SIP/2.0/UDP 127.0.0.1:${local};rport;branch=z9hG4bK${randomBytes(8).toString('hex')}`,
        'Max-Forwards: 70',
        `From: <sip:${user}@${domain}>;tag=${tag}`,
        `To: <sip:${user}@${domain}>`,
        `Call-ID: ${callId}`,
        `CSeq: ${cseq} REGISTER`,
        `Contact: <sip:${user}@127.0.0.1:${local}>`,
        'Expires: 60',
        ...(authorization ? [`Authorization: ${authorization}`] : []),
        'Content-Length: 0',
        '',
        '',
      ].join('\r\n');
      const response = nextResponse(socket);
      socket.send(request, udpPort, '127.0.0.1');
      return response;
    };

    const challenge = await send(1);
    if (challenge.status !== 401) return challenge.status;
    const header = challenge.headers.find((line) => /^WWW-Authenticate:/i.test(line)) ?? '';
    const param = (name: string) => new RegExp(`${name}="?([^",]+)"?`, 'i').exec(header)?.[1];
    const realm = param('realm') ?? domain;
    const nonce = param('nonce') ?? '';
    const qop = param('qop')
      ?.split(/\s*,\s*/)
      .includes('auth')
      ? 'auth'
      : undefined;
    const ha2 = md5(`REGISTER:${uri}`);
    const nc = '00000001';
    const cnonce = randomBytes(8).toString('hex');
    const response = qop
      ? md5(`${ha1}:${nonce}:${nc}:${cnonce}:${qop}:${ha2}`)
      : md5(`${ha1}:${nonce}:${ha2}`);
    const authorization =
      `Digest username="${user}", realm="${realm}", nonce="${nonce}", uri="${uri}", response="${response}", algorithm=MD5` +
      (qop ? `, qop=${qop}, nc=${nc}, cnonce="${cnonce}"` : '');
    return (await send(2, authorization)).status;
  } finally {
    socket.close();
  }
}
