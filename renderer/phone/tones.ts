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

/** The moments (in seconds from the start) at which the tone switches on and off, for `cycles` cycles. */
export function cadenceSchedule(cadence: number[], cycles: number): { at: number; on: boolean }[] {
  const schedule: { at: number; on: boolean }[] = [];
  let at = 0;
  for (let cycle = 0; cycle < cycles; cycle += 1) {
    cadence.forEach((duration, index) => {
      schedule.push({ at: at / 1000, on: index % 2 === 0 });
      at += duration;
    });
  }
  return schedule;
}

/** Ten minutes of cadence is scheduled at once; no call rings longer (INVITE transactions time out first). */
const SCHEDULED_MS = 10 * 60 * 1000;

/**
 * Plays one tone at a time. The AudioContext and the <audio> element are made once and kept (suspended
 * while silent): creating a context costs tens of milliseconds, which a ringing call should not wait for.
 */
export class TonePlayer {
  private output: {
    context: AudioContext;
    destination: MediaStreamAudioDestinationNode;
    element: HTMLAudioElement;
  } | null = null;
  private playing: { tone: Tone; nodes: AudioNode[] } | null = null;

  get current(): Tone | null {
    return this.playing?.tone ?? null;
  }

  private ensureOutput() {
    if (!this.output) {
      const context = new AudioContext();
      const destination = context.createMediaStreamDestination();
      const element = document.createElement('audio');
      element.hidden = true;
      element.srcObject = destination.stream;
      document.body.append(element);
      this.output = { context, destination, element };
    }
    return this.output;
  }

  /** Starts `tone` on the output device `sinkId` ('' for the default), replacing any tone playing. */
  async play(tone: Tone, sinkId: string): Promise<void> {
    if (this.playing?.tone === tone) return;
    this.stop();
    const { context, destination, element } = this.ensureOutput();
    const shape = toneShapes[tone];
    const gain = context.createGain();
    gain.gain.value = 0;
    const startAt = context.currentTime;
    const cycleMs = shape.cadence.reduce((sum, duration) => sum + duration, 0);
    for (const { at, on } of cadenceSchedule(shape.cadence, Math.ceil(SCHEDULED_MS / cycleMs))) {
      gain.gain.setValueAtTime(on ? shape.gain / shape.frequencies.length : 0, startAt + at);
    }
    const oscillators = shape.frequencies.map((frequency) => {
      const oscillator = context.createOscillator();
      oscillator.frequency.value = frequency;
      oscillator.connect(gain);
      oscillator.start();
      return oscillator;
    });
    gain.connect(destination);
    this.playing = { tone, nodes: [...oscillators, gain] };
    element.dataset.tone = tone;
    await Promise.all([context.resume(), routeToDevice(element, sinkId)]);
    if (this.playing?.tone !== tone) return;
    await element.play().catch(() => {
      // The app's window allows autoplay; in a browser without that permission the tone stays silent.
    });
  }

  stop(): void {
    if (!this.playing || !this.output) return;
    for (const node of this.playing.nodes) node.disconnect();
    this.playing = null;
    const { context, element } = this.output;
    element.pause();
    delete element.dataset.tone;
    void context.suspend();
  }
}

/** Points an audio element at an output device; a device that has gone falls back to the default. */
export async function routeToDevice(element: HTMLAudioElement, sinkId: string): Promise<void> {
  if (typeof element.setSinkId !== 'function') return;
  try {
    await element.setSinkId(sinkId);
  } catch {
    await element.setSinkId('').catch(() => undefined);
  }
}
