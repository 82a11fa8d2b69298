import { afterEach, describe, expect, it, vi } from 'vitest';
import { FakeStream, FakeTrack } from '../../testing/phone/fake-media';
import { CallAudio } from './call-audio';

const audioElements = () => document.querySelectorAll('audio[data-call-id]');

function callAudio(id = 'c1', openMicrophone = vi.fn(async () => new FakeStream())) {
  return { audio: new CallAudio(id, { speakerId: () => '', openMicrophone }), openMicrophone };
}

afterEach(() => {
  document.body.replaceChildren();
});

describe('call audio', () => {
  it('keeps exactly one element per call, however often the call is renegotiated', () => {
    const { audio } = callAudio();
    const remote = new FakeStream();
    audio.start();
    // Every hold and resume fires `track` again: with the same stream, or (some peers) a new one.
    for (let renegotiation = 0; renegotiation < 16; renegotiation += 1)
      audio.receive({
        track: remote.getAudioTracks()[0]!,
        streams: renegotiation % 2 ? [remote] : [new FakeStream()],
      });
    expect(audioElements()).toHaveLength(1);
    expect(audioElements()[0]!.getAttribute('data-call-id')).toBe('c1');
    audio.release();
    expect(audioElements()).toHaveLength(0);
  });

  it('keeps the stream it plays when the same one arrives again', () => {
    const { audio } = callAudio();
    const remote = new FakeStream();
    audio.receive({ track: remote.getAudioTracks()[0]!, streams: [remote] });
    const element = document.querySelector('audio')!;
    expect(element.srcObject).toBe(remote);
    audio.receive({ track: remote.getAudioTracks()[0]!, streams: [remote] });
    expect(element.srcObject).toBe(remote);
    const next = new FakeStream();
    audio.receive({ track: next.getAudioTracks()[0]!, streams: [next] });
    expect(element.srcObject).toBe(next);
  });

  it('gives each call its own element', () => {
    const first = callAudio('c1').audio;
    const second = callAudio('c2').audio;
    for (const audio of [first, second]) {
      const remote = new FakeStream();
      audio.receive({ track: remote.getAudioTracks()[0]!, streams: [remote] });
    }
    expect([...audioElements()].map((element) => element.getAttribute('data-call-id'))).toEqual(['c1', 'c2']);
    first.release();
    expect([...audioElements()].map((element) => element.getAttribute('data-call-id'))).toEqual(['c2']);
  });

  it('stops the microphone when the call ends, and a replaced one at once', () => {
    const { audio } = callAudio();
    const first = new FakeStream();
    const second = new FakeStream();
    audio.useMicrophone(first, '');
    audio.useMicrophone(second, 'usb');
    expect(first.getTracks()[0]!.readyState).toBe('ended');
    expect(second.getTracks()[0]!.readyState).toBe('live');
    audio.release();
    expect(second.getTracks()[0]!.readyState).toBe('ended');
    expect(audio.microphone).toBeNull();
  });

  it('replaces the microphone when its device went or another one was chosen, keeping mute', async () => {
    const replacement = new FakeStream([new FakeTrack('audio', 'USB headset')]);
    const { audio, openMicrophone } = callAudio(
      'c1',
      vi.fn(async () => replacement),
    );
    const current = new FakeStream();
    current.getAudioTracks()[0]!.enabled = false;
    audio.useMicrophone(current, '');
    expect(await audio.replaceMicrophone('')).toBeNull();
    expect(openMicrophone).not.toHaveBeenCalled();
    expect(await audio.replaceMicrophone('usb')).toBe(replacement);
    expect(replacement.getAudioTracks()[0]!.enabled).toBe(false);
    audio.useMicrophone(replacement, 'usb');
    replacement.getAudioTracks()[0]!.stop();
    expect(await audio.replaceMicrophone('usb')).toBe(replacement);
    expect(openMicrophone).toHaveBeenCalledTimes(2);
  });
});
