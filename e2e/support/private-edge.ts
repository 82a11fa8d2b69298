import { mkdtemp } from 'node:fs/promises';
import { join } from 'node:path';
import { startKamailio, type KamailioHandle } from '../provider/kamailio.js';
import { readStackState } from './stack-state.js';

/**
 * A SIP edge of a spec's own, with the run's certificate: for specs that restart or cut it, or read its
 * log, without disturbing the specs that share the stack's edge. `dir` may be reused for a restart.
 */
export async function startPrivateEdge(
  options: { dir?: string; wssPort?: number; udpPort?: number; sipTlsPort?: number } = {},
): Promise<KamailioHandle & { dir: string }> {
  const state = readStackState();
  const dir = options.dir ?? (await mkdtemp(join(state.runDir, 'edge-')));
  const edge = await startKamailio({
    dir,
    certificate: state.serverCertPath,
    privateKey: state.serverKeyPath,
    caCertPem: state.caCertPem,
    wssPort: options.wssPort,
    udpPort: options.udpPort,
    sipTlsPort: options.sipTlsPort,
    // The run's rtpengine serves every edge: WebRTC-to-RTP calls are bridged here as on the stack's edge.
    rtpengineSocket: state.rtpengineSocket,
  });
  return { ...edge, dir };
}
