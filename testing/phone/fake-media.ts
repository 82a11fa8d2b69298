// Typed stand-ins for the browser's media objects (jsdom has none), for the phone engine's unit tests.
import type { MediaConnection } from '../../renderer/phone/sip-adapter';

let ids = 0;

export class FakeTrack extends EventTarget implements MediaStreamTrack {
  readonly id = `track-${(ids += 1)}`;
  contentHint = '';
  enabled = true;
  readonly muted = false;
  onended: MediaStreamTrack['onended'] = null;
  onmute: MediaStreamTrack['onmute'] = null;
  onunmute: MediaStreamTrack['onunmute'] = null;
  readyState: MediaStreamTrackState = 'live';

  constructor(
    readonly kind: string = 'audio',
    readonly label = 'Fake microphone',
  ) {
    super();
  }

  applyConstraints(): Promise<void> {
    return Promise.resolve();
  }

  clone(): MediaStreamTrack {
    return new FakeTrack(this.kind, this.label);
  }

  getCapabilities(): MediaTrackCapabilities {
    return {};
  }

  getConstraints(): MediaTrackConstraints {
    return {};
  }

  getSettings(): MediaTrackSettings {
    return {};
  }

  stop(): void {
    this.readyState = 'ended';
  }
}

export class FakeStream extends EventTarget implements MediaStream {
  readonly id = `stream-${(ids += 1)}`;
  onaddtrack: MediaStream['onaddtrack'] = null;
  onremovetrack: MediaStream['onremovetrack'] = null;
  private readonly tracks: MediaStreamTrack[];

  constructor(tracks: MediaStreamTrack[] = [new FakeTrack()]) {
    super();
    this.tracks = [...tracks];
  }

  get active(): boolean {
    return this.tracks.some((track) => track.readyState === 'live');
  }

  addTrack(track: MediaStreamTrack): void {
    this.tracks.push(track);
  }

  removeTrack(track: MediaStreamTrack): void {
    this.tracks.splice(this.tracks.indexOf(track), 1);
  }

  clone(): MediaStream {
    return new FakeStream(this.tracks.map((track) => track.clone()));
  }

  getAudioTracks(): MediaStreamTrack[] {
    return this.tracks.filter((track) => track.kind === 'audio');
  }

  getVideoTracks(): MediaStreamTrack[] {
    return this.tracks.filter((track) => track.kind === 'video');
  }

  getTracks(): MediaStreamTrack[] {
    return [...this.tracks];
  }

  getTrackById(id: string): MediaStreamTrack | null {
    return this.tracks.find((track) => track.id === id) ?? null;
  }
}

/** An RTCSessionDescription with this SDP. */
export function description(type: RTCSdpType, sdp: string): RTCSessionDescription {
  return { type, sdp, toJSON: () => ({ type, sdp }) };
}

/** getStats entries of a call whose far end sent `packets` RTP packets and `reports` RTCP reports. */
export function mediaStats(packets: number, reports = 0): Map<string, object> {
  return new Map<string, object>([
    ['in', { type: 'inbound-rtp', kind: 'audio', packetsReceived: packets, packetsLost: 0, jitter: 0.002 }],
    ['remote-out', { type: 'remote-outbound-rtp', kind: 'audio', reportsSent: reports }],
    ['transport', { type: 'transport', dtlsState: 'connected', srtpCipher: 'AES_CM_128_HMAC_SHA1_80' }],
  ]);
}

/**
 * A call's peer connection: fires `track` and `connectionstatechange` when a test says so, and answers
 * getStats with `stats` (mediaStats above).
 */
export class FakeConnection extends EventTarget implements MediaConnection {
  localDescription: RTCSessionDescription | null = null;
  remoteDescription: RTCSessionDescription | null = null;
  connectionState: RTCPeerConnectionState = 'new';
  signalingState: RTCSignalingState = 'have-local-offer';
  stats: Map<string, object> = mediaStats(0);
  direction: RTCRtpTransceiverDirection = 'sendrecv';

  getStats(): Promise<RTCStatsReport> {
    return Promise.resolve(this.stats);
  }

  getSenders(): RTCRtpSender[] {
    return [];
  }

  getReceivers(): RTCRtpReceiver[] {
    return [];
  }

  getTransceivers(): RTCRtpTransceiver[] {
    return [];
  }

  /** A remote track arrives (the answer, or again after a renegotiation). */
  deliverTrack(stream: MediaStream): void {
    const [track] = stream.getAudioTracks();
    this.dispatchEvent(Object.assign(new Event('track'), { track, streams: [stream] }));
  }

  fail(): void {
    this.connectionState = 'failed';
    this.dispatchEvent(new Event('connectionstatechange'));
  }
}
