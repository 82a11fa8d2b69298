import { describe, expect, it, vi } from 'vitest';
import { FakeStream } from '../../testing/phone/fake-media';
import { availableOrDefault, listAudioDevices, MicrophoneError, openMicrophone } from './audio-devices';

const stream = new FakeStream();
const domError = (name: string) => Object.assign(new Error(name), { name });

describe('openMicrophone', () => {
  it('opens the chosen device with voice processing on', async () => {
    const getUserMedia = vi.fn(async () => stream);
    await expect(openMicrophone('mic-2', { getUserMedia })).resolves.toBe(stream);
    expect(getUserMedia).toHaveBeenCalledWith({
      audio: {
        echoCancellation: true,
        noiseSuppression: true,
        autoGainControl: true,
        deviceId: { exact: 'mic-2' },
      },
      video: false,
    });
  });

  it('falls back to the default when the chosen device is gone', async () => {
    const getUserMedia = vi
      .fn<(constraints: MediaStreamConstraints) => Promise<MediaStream>>()
      .mockRejectedValueOnce(domError('OverconstrainedError'))
      .mockResolvedValueOnce(stream);
    await expect(openMicrophone('unplugged', { getUserMedia })).resolves.toBe(stream);
    expect(getUserMedia).toHaveBeenCalledTimes(2);
  });

  it.each([
    ['NotAllowedError', 'microphone-denied'],
    ['NotFoundError', 'microphone-missing'],
    ['NotReadableError', 'microphone-busy'],
  ])('names %s as %s, and never retries after a denial', async (name, problem) => {
    const getUserMedia = vi.fn(async () => {
      throw domError(name);
    });
    const failure = await openMicrophone('mic-2', { getUserMedia }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(MicrophoneError);
    expect((failure as MicrophoneError).problem).toBe(problem);
    expect(getUserMedia).toHaveBeenCalledTimes(name === 'NotAllowedError' ? 1 : 2);
  });
});

describe('audio device lists', () => {
  it('lists microphones and speakers without the default aliases', async () => {
    const enumerateDevices = async () =>
      [
        { kind: 'audioinput', deviceId: 'default', label: 'Default' },
        { kind: 'audioinput', deviceId: 'm1', label: 'Headset' },
        { kind: 'audiooutput', deviceId: 'communications', label: 'Comms' },
        { kind: 'audiooutput', deviceId: 's1', label: 'Speakers' },
        { kind: 'videoinput', deviceId: 'c1', label: 'Camera' },
      ] as MediaDeviceInfo[];
    expect(await listAudioDevices({ enumerateDevices })).toEqual({
      microphones: [{ id: 'm1', label: 'Headset' }],
      speakers: [{ id: 's1', label: 'Speakers' }],
    });
  });

  it('keeps a chosen device only while it is connected', () => {
    expect(availableOrDefault('m1', [{ id: 'm1', label: '' }])).toBe('m1');
    expect(availableOrDefault('gone', [{ id: 'm1', label: '' }])).toBe('');
  });
});
