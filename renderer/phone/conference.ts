/** What the mixer uses of a call's peer connection. */
type LegConnection = Pick<RTCPeerConnection, 'getSenders' | 'getReceivers' | 'signalingState'>;

/** One call taking part in a local three-way conference. */
export interface ConferenceLeg {
  connection: LegConnection;
  microphone: MediaStreamTrack;
}

function audioSender(connection: LegConnection): RTCRtpSender | undefined {
  return connection.getSenders().find((sender) => sender.track?.kind === 'audio' || sender.track === null);
}

function remoteTrack(connection: LegConnection): MediaStreamTrack | undefined {
  return connection.getReceivers().find((receiver) => receiver.track.kind === 'audio')?.track;
}

/**
 * A three-way conference mixed on this device: each party receives our microphone plus the other
 * party's voice, mixed with WebAudio and sent with replaceTrack (no renegotiation, no server mixer).
 */
export class ConferenceMixer {
  private readonly context = new AudioContext();
  private readonly micGains: GainNode[] = [];

  private constructor(private readonly legs: [ConferenceLeg, ConferenceLeg]) {}

  static async start(legs: [ConferenceLeg, ConferenceLeg]): Promise<ConferenceMixer> {
    const mixer = new ConferenceMixer(legs);
    await mixer.context.resume();
    const remotes = legs.map((leg) => remoteTrack(leg.connection));
    await Promise.all(
      legs.map(async (leg, index) => {
        const destination = mixer.context.createMediaStreamDestination();
        const micGain = mixer.context.createGain();
        mixer.context.createMediaStreamSource(new MediaStream([leg.microphone])).connect(micGain);
        micGain.connect(destination);
        mixer.micGains.push(micGain);
        const other = remotes[1 - index];
        if (other) mixer.context.createMediaStreamSource(new MediaStream([other])).connect(destination);
        const [mixed] = destination.stream.getAudioTracks();
        await audioSender(leg.connection)?.replaceTrack(mixed ?? null);
      }),
    );
    return mixer;
  }

  /** Muting in a conference silences only our microphone: the two others keep hearing each other. */
  setMicrophoneMuted(muted: boolean): void {
    for (const gain of this.micGains) gain.gain.value = muted ? 0 : 1;
  }

  /** Back to plain calls: each remaining leg sends its own microphone again. */
  async stop(): Promise<void> {
    await Promise.all(
      this.legs.map((leg) =>
        leg.connection.signalingState === 'closed'
          ? undefined
          : audioSender(leg.connection)
              ?.replaceTrack(leg.microphone)
              .catch(() => undefined),
      ),
    );
    await this.context.close();
  }
}
