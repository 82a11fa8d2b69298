/** Why the microphone could not be opened; each has its own message telling the user what to do. */
export type MicrophoneProblem = 'microphone-denied' | 'microphone-missing' | 'microphone-busy';

export class MicrophoneError extends Error {
  constructor(readonly problem: MicrophoneProblem) {
    super(problem);
    this.name = 'MicrophoneError';
  }
}

function problemOf(error: unknown): MicrophoneProblem {
  const name = (error as { name?: string } | null)?.name;
  if (name === 'NotAllowedError' || name === 'SecurityError') return 'microphone-denied';
  if (name === 'NotFoundError' || name === 'OverconstrainedError') return 'microphone-missing';
  return 'microphone-busy';
}

/** Voice processing browsers do well for calls; explicit so a change of defaults cannot turn it off. */
const voice = { echoCancellation: true, noiseSuppression: true, autoGainControl: true } as const;

/**
 * Opens the microphone the user chose, or the system default when that one is gone. Nothing is dialled
 * or answered before this succeeds, so a denied permission never leaves a silent call.
 */
export async function openMicrophone(
  deviceId: string,
  media: Pick<MediaDevices, 'getUserMedia'> = navigator.mediaDevices,
): Promise<MediaStream> {
  if (deviceId) {
    try {
      return await media.getUserMedia({ audio: { ...voice, deviceId: { exact: deviceId } }, video: false });
    } catch (error) {
      // A chosen device that is unplugged falls back to the default; a denied permission does not.
      if (problemOf(error) === 'microphone-denied') throw new MicrophoneError('microphone-denied');
    }
  }
  try {
    return await media.getUserMedia({ audio: voice, video: false });
  } catch (error) {
    throw new MicrophoneError(problemOf(error));
  }
}

export interface AudioDevice {
  id: string;
  label: string;
}

export interface AudioDevices {
  microphones: AudioDevice[];
  speakers: AudioDevice[];
}

/** Microphones and speakers, without the browser's "default"/"communications" aliases. */
export async function listAudioDevices(
  media: Pick<MediaDevices, 'enumerateDevices'> = navigator.mediaDevices,
): Promise<AudioDevices> {
  const devices = await media.enumerateDevices();
  const of = (kind: MediaDeviceKind) =>
    devices
      .filter(
        (device) =>
          device.kind === kind && device.deviceId && !/^(default|communications)$/.test(device.deviceId),
      )
      .map((device) => ({ id: device.deviceId, label: device.label }));
  return { microphones: of('audioinput'), speakers: of('audiooutput') };
}

/** The chosen device if it is still there, otherwise the system default (''). */
export function availableOrDefault(chosen: string, devices: AudioDevice[]): string {
  return chosen && devices.some((device) => device.id === chosen) ? chosen : '';
}
