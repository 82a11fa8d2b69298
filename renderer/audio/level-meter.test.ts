import { describe, expect, it } from 'vitest';
import { levelOf } from './level-meter';

describe('levelOf', () => {
  it('is 0 for silence and 100 for a full-scale signal', () => {
    expect(levelOf(new Float32Array(1024))).toBe(0);
    expect(levelOf(new Float32Array(1024).fill(1))).toBe(100);
  });

  it('follows the level in decibels: -30 dBFS is half the meter', () => {
    const amplitude = 10 ** (-30 / 20);
    expect(levelOf(new Float32Array(1024).fill(amplitude))).toBe(50);
    expect(levelOf(new Float32Array(1024).fill(10 ** (-70 / 20)))).toBe(0);
  });
});
