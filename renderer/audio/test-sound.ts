import { routeToDevice } from '../phone/tones';

/** Two short notes, so that "did you hear it?" has something recognisable to answer. */
const NOTES = [
  { frequency: 523.25, start: 0, duration: 0.35 },
  { frequency: 783.99, start: 0.45, duration: 0.6 },
];
const LENGTH_SECONDS = 1.2;

/**
 * Plays a test sound on an output device ('' for the system default), as calls do: WebAudio into an
 * <audio> element whose output is set with setSinkId. Resolves when it has finished.
 */
export async function playTestSound(sinkId: string): Promise<void> {
  const context = new AudioContext({ sinkId: { type: 'none' } } as AudioContextOptions);
  const destination = context.createMediaStreamDestination();
  const element = document.createElement('audio');
  element.hidden = true;
  element.dataset.testSound = 'speaker';
  element.srcObject = destination.stream;
  document.body.append(element);
  try {
    await Promise.all([context.resume(), routeToDevice(element, sinkId)]);
    await element.play().catch(() => undefined);
    const now = context.currentTime;
    for (const note of NOTES) {
      const oscillator = context.createOscillator();
      const gain = context.createGain();
      oscillator.frequency.value = note.frequency;
      gain.gain.setValueAtTime(0, now + note.start);
      gain.gain.linearRampToValueAtTime(0.3, now + note.start + 0.02);
      gain.gain.linearRampToValueAtTime(0, now + note.start + note.duration);
      oscillator.connect(gain).connect(destination);
      oscillator.start(now + note.start);
      oscillator.stop(now + note.start + note.duration);
    }
    await new Promise((resolve) => setTimeout(resolve, LENGTH_SECONDS * 1000));
  } finally {
    element.remove();
    void context.close();
  }
}
