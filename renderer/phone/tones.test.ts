import { describe, expect, it } from 'vitest';
import { renderCycle, ringtoneShapes, toneShapes } from './tones';

describe('call progress tones', () => {
  it('renders one cadence cycle: bursts of tone, silence between them', () => {
    const rate = 8000;
    const samples = renderCycle(toneShapes.ringback, rate);
    expect(samples.length).toBe(5 * rate); // 1 s on, 4 s off
    const peak = (from: number, to: number) => Math.max(...samples.subarray(from, to).map(Math.abs));
    expect(peak(0, rate)).toBeGreaterThan(toneShapes.ringback.gain * 0.9);
    expect(peak(0, rate)).toBeCloseTo(toneShapes.ringback.gain, 5);
    expect(peak(rate, 5 * rate)).toBe(0);
  });

  it('fades each burst in and out, so that it does not click', () => {
    const samples = renderCycle(toneShapes.callWaiting, 8000);
    expect(samples[0]).toBe(0);
    expect(Math.abs(samples[1599]!)).toBeLessThan(1e-9); // last sample of the first 200 ms burst
  });

  it('uses the German ringback (425 Hz, 1 s on, 4 s off) and a distinct call-waiting cadence', () => {
    expect(toneShapes.ringback).toMatchObject({ frequencies: [425], cadence: [1000, 4000] });
    expect(toneShapes.callWaiting.cadence).not.toEqual(toneShapes.ringback.cadence);
    for (const shape of Object.values(toneShapes)) {
      expect(shape.cadence.length % 2).toBe(0);
      expect(shape.gain).toBeLessThanOrEqual(0.25);
    }
  });

  it('offers ringtones to choose, a melody playing each burst on its own note', () => {
    const rate = 8000;
    const chime = renderCycle(ringtoneShapes.chime, rate);
    // Zero crossings in the middle of each note count its frequency: 784, 659 and 523 Hz.
    const frequency = (fromMs: number, toMs: number) => {
      const part = chime.subarray((fromMs / 1000) * rate, (toMs / 1000) * rate);
      let crossings = 0;
      for (let i = 1; i < part.length; i += 1) if (part[i - 1]! < 0 !== part[i]! < 0) crossings += 1;
      return crossings / 2 / ((toMs - fromMs) / 1000);
    };
    expect(frequency(50, 200)).toBeCloseTo(784, -1);
    expect(frequency(350, 500)).toBeCloseTo(659, -1);
    expect(frequency(650, 1000)).toBeCloseTo(523, -1);
    expect(ringtoneShapes.classic).toBe(toneShapes.ringtone);
    for (const shape of Object.values(ringtoneShapes)) expect(shape.gain).toBeLessThanOrEqual(0.25);
  });
});
