import { describe, expect, it } from 'vitest';
import { renderCycle, toneShapes } from './tones';

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
});
