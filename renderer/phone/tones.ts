/**
 * Call progress tones, synthesised with WebAudio so that no sound file ships and the ring device can be
 * chosen (the tone plays through an <audio> element whose output is set with setSinkId).
 */
export type Tone = 'ringback' | 'ringtone' | 'callWaiting';

interface ToneShape {
  /** Frequencies played together, in Hz. */
  frequencies: number[];
  /** On/off durations in ms, repeated: [on, off, on, off, ...]. */
  cadence: number[];
  gain: number;
}

/** ETSI ES 201 970 / Deutsche Telekom values for ringback and call waiting; a two-tone ring for incoming calls. */
export const toneShapes: Record<Tone, ToneShape> = {
  ringback: { frequencies: [425], cadence: [1000, 4000], gain: 0.15 },
  callWaiting: { frequencies: [425], cadence: [200, 200, 200, 5000], gain: 0.15 },
  ringtone: { frequencies: [660, 880], cadence: [400, 200, 400, 2000], gain: 0.2 },
};

/** Each burst fades in and out over this long, so that tones start and stop without a click. */
const RAMP_SECONDS = 0.005;

/** One cadence cycle of a tone as samples: the bursts with short ramps, silence in between. */
export function renderCycle(shape: ToneShape, sampleRate: number): Float32Array<ArrayBuffer> {
  const lengths = shape.cadence.map((ms) => Math.round((ms / 1000) * sampleRate));
  const samples = new Float32Array(lengths.reduce((sum, length) => sum + length, 0));
  const ramp = Math.max(1, Math.round(RAMP_SECONDS * sampleRate));
  const amplitude = shape.gain / shape.frequencies.length;
  let offset = 0;
  lengths.forEach((length, index) => {
    if (index % 2 === 0) {
      for (let i = 0; i < length; i += 1) {
        const envelope = Math.min(1, i / ramp, (length - 1 - i) / ramp);
        let value = 0;
        for (const frequency of shape.frequencies)
          value += Math.sin((2 * Math.PI * frequency * i) / sampleRate);
        samples[offset + i] = value * amplitude * envelope;
      }
    }
    offset += length;
  });
  return samples;
}

/**
 * Plays one tone at a time. The AudioContext, the <audio> element and one looping buffer per tone are
 * made once (`prepare`, when the phone registers) and kept, the context suspended while silent: making
 * them costs tens of milliseconds, which a ringing call should not wait for.
 */
export class TonePlayer {
  private output: {
    context: AudioContext;
    destination: MediaStreamAudioDestinationNode;
    element: HTMLAudioElement;
    buffers: Map<Tone, AudioBuffer>;
  } | null = null;
  private playing: { tone: Tone; source: AudioBufferSourceNode } | null = null;

  get current(): Tone | null {
    return this.playing?.tone ?? null;
  }

  /** Makes the audio output and renders every tone ahead of the first call. */
  prepare() {
    if (!this.output) {
      // The context only feeds the element, so it needs no output device of its own (Chromium's 'none'
      // sink): a tone then starts one audio output stream instead of two, while a call is being set up.
      const context = new AudioContext({ sinkId: { type: 'none' } } as AudioContextOptions);
      const destination = context.createMediaStreamDestination();
      const element = document.createElement('audio');
      element.hidden = true;
      element.srcObject = destination.stream;
      document.body.append(element);
      const buffers = new Map<Tone, AudioBuffer>();
      for (const [tone, shape] of Object.entries(toneShapes) as [Tone, ToneShape][]) {
        const samples = renderCycle(shape, context.sampleRate);
        const buffer = context.createBuffer(1, samples.length, context.sampleRate);
        buffer.copyToChannel(samples, 0);
        buffers.set(tone, buffer);
      }
      if (!this.playing) void context.suspend();
      this.output = { context, destination, element, buffers };
    }
    return this.output;
  }

  /** Starts `tone` on the output device `sinkId` ('' for the default), replacing any tone playing. */
  async play(tone: Tone, sinkId: string): Promise<void> {
    if (this.playing?.tone === tone) return;
    this.stop();
    const { context, destination, element, buffers } = this.prepare();
    const source = context.createBufferSource();
    source.buffer = buffers.get(tone)!;
    source.loop = true;
    source.connect(destination);
    source.start();
    this.playing = { tone, source };
    element.dataset.tone = tone;
    await Promise.all([context.resume(), routeToDevice(element, sinkId)]);
    if (this.playing?.tone !== tone) return;
    await element.play().catch(() => {
      // The app's window allows autoplay; in a browser without that permission the tone stays silent.
    });
  }

  stop(): void {
    if (!this.playing || !this.output) return;
    this.playing.source.stop();
    this.playing.source.disconnect();
    this.playing = null;
    const { context, element } = this.output;
    element.pause();
    delete element.dataset.tone;
    void context.suspend();
  }
}

/** Points an audio element at an output device; a device that has gone falls back to the default. */
export async function routeToDevice(element: HTMLAudioElement, sinkId: string): Promise<void> {
  // Setting the same device again still costs a round trip to the audio service, on the call's setup path.
  if (typeof element.setSinkId !== 'function' || element.sinkId === sinkId) return;
  try {
    await element.setSinkId(sinkId);
  } catch {
    await element.setSinkId('').catch(() => undefined);
  }
}
