import { openMicrophone } from '../phone/audio-devices';

/** Quieter than this (dBFS) shows as an empty meter; 0 dBFS as a full one. */
const FLOOR_DB = -60;
/** How much of the shown level is left after each tick when it gets quieter: a syllable stays readable. */
const RELEASE = 0.85;

/** A level from 0 to 100 for one block of samples: its RMS in dBFS, from the floor to full scale. */
export function levelOf(samples: Float32Array): number {
  let sum = 0;
  for (const sample of samples) sum += sample * sample;
  const rms = Math.sqrt(sum / Math.max(1, samples.length));
  if (rms === 0) return 0;
  const db = 20 * Math.log10(rms);
  return Math.round(Math.min(100, Math.max(0, ((db - FLOOR_DB) / -FLOOR_DB) * 100)));
}

export interface LevelMeter {
  /** The microphone as the system names it. */
  label: string;
  stop(): void;
}

/**
 * Opens the chosen microphone (or the default, as a call would) and reports its level ten times a second
 * until stopped. Throws a MicrophoneError when the microphone cannot be opened.
 */
export async function startLevelMeter(
  deviceId: string,
  onLevel: (level: number) => void,
): Promise<LevelMeter> {
  const stream = await openMicrophone(deviceId);
  const context = new AudioContext();
  // Created after the microphone's permission round trip, it may start suspended.
  await context.resume();
  const analyser = context.createAnalyser();
  analyser.fftSize = 2048;
  context.createMediaStreamSource(stream).connect(analyser);
  const samples = new Float32Array(analyser.fftSize);
  // Rises at once, falls slowly (as a VU meter does), so that short sounds can be seen.
  let shown = 0;
  const timer = setInterval(() => {
    analyser.getFloatTimeDomainData(samples);
    shown = Math.max(levelOf(samples), Math.floor(shown * RELEASE));
    onLevel(shown);
  }, 100);
  return {
    label: stream.getAudioTracks()[0]?.label ?? '',
    stop() {
      clearInterval(timer);
      for (const track of stream.getTracks()) track.stop();
      void context.close();
    },
  };
}
