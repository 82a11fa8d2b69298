/**
 * Call progress tones, synthesised with WebAudio so that no sound file ships and the ring device can be
 * chosen (the tone plays through an <audio> element whose output is set with setSinkId).
 */
import type { Ringtone } from '../../shared/settings/settings';

export type Tone = 'ringback' | 'ringtone' | 'callWaiting';

interface ToneShape {
  /** Frequencies played together, in Hz. */
  frequencies: number[];
  /** Other frequencies for each burst in turn (a melody); `frequencies` where it has none. */
  bursts?: number[][];
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

/** The ringtones to choose from in Settings; `classic` is the ringtone above. */
export const ringtoneShapes: Record<Ringtone, ToneShape> = {
  classic: toneShapes.ringtone,
  soft: { frequencies: [523.25, 659.25], cadence: [1200, 2400], gain: 0.15 },
  chime: {
    frequencies: [783.99],
    bursts: [[783.99], [659.25], [523.25]],
    cadence: [250, 50, 250, 50, 500, 1900],
    gain: 0.2,
  },
  digital: { frequencies: [1200], cadence: [100, 60, 100, 60, 100, 60, 100, 1420], gain: 0.12 },
};

/** Each burst fades in and out over this long, so that tones start and stop without a click. */
const RAMP_SECONDS = 0.005;

/** One cadence cycle of a tone as samples: the bursts with short ramps, silence in between. */
export function renderCycle(shape: ToneShape, sampleRate: number): Float32Array<ArrayBuffer> {
  const lengths = shape.cadence.map((ms) => Math.round((ms / 1000) * sampleRate));
  const samples = new Float32Array(lengths.reduce((sum, length) => sum + length, 0));
  const ramp = Math.max(1, Math.round(RAMP_SECONDS * sampleRate));
  let offset = 0;
  lengths.forEach((length, index) => {
    if (index % 2 === 0) {
      const frequencies = shape.bursts?.[(index / 2) % shape.bursts.length] ?? shape.frequencies;
      const amplitude = shape.gain / frequencies.length;
      for (let i = 0; i < length; i += 1) {
        const envelope = Math.min(1, i / ramp, (length - 1 - i) / ramp);
        let value = 0;
        for (const frequency of frequencies) value += Math.sin((2 * Math.PI * frequency * i) / sampleRate);
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
    gain: GainNode;
    element: HTMLAudioElement;
    buffers: Map<string, AudioBuffer>;
  } | null = null;
  private playing: { tone: Tone; key: string; source: AudioBufferSourceNode } | null = null;

  get current(): Tone | null {
    return this.playing?.tone ?? null;
  }

  /** Makes the audio output and renders every tone (and every ringtone) ahead of the first call. */
  prepare() {
    if (!this.output) {
      // The context only feeds the element, so it needs no output device of its own (Chromium's 'none'
      // sink): a tone then starts one audio output stream instead of two, while a call is being set up.
      const context = new AudioContext({ sinkId: { type: 'none' } } as AudioContextOptions);
      const destination = context.createMediaStreamDestination();
      const gain = context.createGain();
      gain.connect(destination);
      const element = document.createElement('audio');
      element.hidden = true;
      element.srcObject = destination.stream;
      document.body.append(element);
      const buffers = new Map<string, AudioBuffer>();
      const shapes: Array<[string, ToneShape]> = [
        ...Object.entries(toneShapes),
        ...Object.entries(ringtoneShapes).map(([name, shape]): [string, ToneShape] => [
          `ringtone:${name}`,
          shape,
        ]),
      ];
      for (const [key, shape] of shapes) {
        const samples = renderCycle(shape, context.sampleRate);
        const buffer = context.createBuffer(1, samples.length, context.sampleRate);
        buffer.copyToChannel(samples, 0);
        buffers.set(key, buffer);
      }
      if (!this.playing) void context.suspend();
      this.output = { context, gain, element, buffers };
    }
    return this.output;
  }

  /**
   * Starts `tone` on the output device `sinkId` ('' for the default), replacing any tone playing; the
   * ringtone is the one chosen, at the volume chosen (0–100; call progress tones always at full level).
   */
  async play(
    tone: Tone,
    sinkId: string,
    options: { ringtone?: Ringtone; volume?: number } = {},
  ): Promise<void> {
    const key = tone === 'ringtone' && options.ringtone ? `ringtone:${options.ringtone}` : tone;
    const { context, gain, element, buffers } = this.prepare();
    // Perceived loudness follows the square of the amplitude more closely than the amplitude itself.
    gain.gain.value = ((options.volume ?? 100) / 100) ** 2;
    if (this.playing?.key === key) return;
    this.stop();
    const source = context.createBufferSource();
    source.buffer = buffers.get(key)!;
    source.loop = true;
    source.connect(gain);
    source.start();
    this.playing = { tone, key, source };
    element.dataset.tone = tone;
    await Promise.all([context.resume(), routeToDevice(element, sinkId)]);
    if (this.playing?.key !== key) return;
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

  /** Stops and lets go of the audio output (a player that is not needed any more). */
  close(): void {
    this.stop();
    this.output?.element.remove();
    void this.output?.context.close();
    this.output = null;
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
