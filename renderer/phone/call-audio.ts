import { routeToDevice } from './tones';

/** The part of an RTCTrackEvent that call audio reads. */
export interface RemoteTrack {
  track: MediaStreamTrack;
  streams: readonly MediaStream[];
}

export interface CallAudioDeps {
  /** The output device chosen in Settings ('' for the system default). */
  speakerId(): string;
  /** Opens a microphone (audio-devices.ts `openMicrophone`). */
  openMicrophone(deviceId: string): Promise<MediaStream>;
}

/**
 * One call's audio: exactly one <audio> element for what the far end sends, however often the call is
 * renegotiated (every hold and resume fires `track` again), played on the chosen output device; and the
 * microphone stream opened for the call, replaced mid-call when its device goes or another is chosen.
 */
export class CallAudio {
  private element: HTMLAudioElement | null = null;
  private started = false;
  private stream: MediaStream | null = null;
  private microphoneStream: MediaStream | null = null;
  /** The microphone setting the stream was opened with. */
  private microphoneChoice = '';

  constructor(
    private readonly callId: string,
    private readonly deps: CallAudioDeps,
  ) {}

  get microphone(): MediaStream | null {
    return this.microphoneStream;
  }

  get microphoneTrack(): MediaStreamTrack | null {
    return this.microphoneStream?.getAudioTracks()[0] ?? null;
  }

  /** The stream the call sends (JsSIP does not stop streams it was given: `release` does). */
  useMicrophone(stream: MediaStream, choice: string): void {
    if (this.microphoneStream && this.microphoneStream !== stream) stopStream(this.microphoneStream);
    this.microphoneStream = stream;
    this.microphoneChoice = choice;
  }

  /** A remote track arrived: with the first answer, and again after each renegotiation. */
  receive({ track, streams }: RemoteTrack): void {
    const stream =
      streams[0] ?? (this.stream?.getTracks().includes(track) ? this.stream : new MediaStream([track]));
    const element = this.element ?? this.createElement();
    if (this.stream !== stream) {
      this.stream = stream;
      element.srcObject = stream;
    }
    if (this.started) void this.play();
  }

  /**
   * Starts playing what arrives. Starting playout takes the audio service tens of milliseconds: an
   * outgoing call plays at once (early media), an answered call once our 200 OK is out (no media can
   * arrive before the caller has it, and the answer is not held up).
   */
  start(): void {
    if (this.started) return;
    this.started = true;
    if (this.element?.srcObject) void this.play();
  }

  private createElement(): HTMLAudioElement {
    const element = document.createElement('audio');
    element.autoplay = true;
    element.hidden = true;
    element.dataset.callId = this.callId;
    document.body.append(element);
    this.element = element;
    return element;
  }

  private async play(): Promise<void> {
    const element = this.element;
    if (!element) return;
    await this.route();
    if (this.element !== element || !element.paused) return;
    await Promise.resolve(element.play()).catch(() => {
      // Autoplay is allowed for the app's own window; nothing to recover here.
    });
  }

  /** Plays on the output device chosen in Settings (the default when it has gone). */
  async route(): Promise<void> {
    if (this.element) await routeToDevice(this.element, this.deps.speakerId());
  }

  /**
   * Replaces the microphone when its device went away (its track ended) or another one was chosen; the
   * new track keeps the old one's mute state. Resolves with the new stream, or null when nothing changed
   * (or no microphone could be opened: the old one stays).
   */
  async replaceMicrophone(wanted: string): Promise<MediaStream | null> {
    const current = this.microphoneTrack;
    if (!current) return null;
    if (current.readyState === 'live' && wanted === this.microphoneChoice) return null;
    this.microphoneChoice = wanted;
    const replacement = await this.deps.openMicrophone(wanted).catch(() => null);
    const track = replacement?.getAudioTracks()[0];
    if (!replacement || !track) return null;
    track.enabled = current.enabled;
    return replacement;
  }

  /** The call has ended: its element goes, its microphone stops. */
  release(): void {
    this.element?.remove();
    if (this.element) this.element.srcObject = null;
    this.element = null;
    this.stream = null;
    if (this.microphoneStream) stopStream(this.microphoneStream);
    this.microphoneStream = null;
  }
}

function stopStream(stream: MediaStream): void {
  for (const track of stream.getTracks()) track.stop();
}
