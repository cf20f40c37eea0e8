import { describe, expect, it } from 'vitest';
import { lowerBound, placeOf } from './sorted-days.ts';

describe('placeOf', () => {
  it('finds a day or where it belongs, as a binary search does, checking the end first', () => {
    const days = [3, 5, 8, 13, 21];
    for (let day = 0; day <= 25; day++) expect(placeOf(days, day), String(day)).toBe(lowerBound(days, day));
    expect(placeOf([], 7)).toBe(0);
    expect(placeOf([7], 7)).toBe(0);
    expect(placeOf([7], 9)).toBe(1);
  });
});
