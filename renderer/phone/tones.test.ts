import { describe, expect, it } from 'vitest';
import { cadenceSchedule, toneShapes } from './tones';

describe('call progress tones', () => {
  it('schedules on/off switches from the cadence, cycle after cycle', () => {
    expect(cadenceSchedule([1000, 4000], 2)).toEqual([
      { at: 0, on: true },
      { at: 1, on: false },
      { at: 5, on: true },
      { at: 6, on: false },
    ]);
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
