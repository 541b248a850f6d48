import { GMMStats } from '../../src/machines/GMMStats.js';

function filled(scale: number): GMMStats {
  return new GMMStats(2, 3).initFields({
    logLikelihood: -10 * scale,
    t: 4,
    n: [1 * scale, 3 * scale],
    sumPx: [1, 2, 3, 4, 5, 6].map((v) => v * scale),
    sumPxx: [1, 4, 9, 16, 25, 36].map((v) => v * scale),
  });
}

describe('GMMStats', () => {
  test('a new object is zero, float64, of the given shape', () => {
    const s = new GMMStats(2, 3);
    expect(s.shape).toEqual([2, 3]);
    expect(s.n).toBeInstanceOf(Float64Array);
    expect(Array.from(s.sumPxx)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(s.t).toBe(0);
    expect(s.logLikelihood).toBe(0);
    expect(s.nbytes).toBe((2 + 6 + 6) * 8);
  });

  test('add returns a new object; addInPlace accumulates', () => {
    const a = filled(1);
    const b = filled(2);
    const c = a.add(b);
    expect(c).not.toBe(a);
    expect(Array.from(a.n)).toEqual([1, 3]);
    expect(Array.from(c.n)).toEqual([3, 9]);
    expect(Array.from(c.sumPx)).toEqual([3, 6, 9, 12, 15, 18]);
    expect(c.t).toBe(8);
    expect(c.logLikelihood).toBe(-30);
    a.addInPlace(b);
    expect(a.equals(c)).toBe(true);
  });

  test('a shape mismatch throws an error naming both shapes', () => {
    expect(() => filled(1).add(new GMMStats(3, 3))).toThrow('[2,3] and [3,3]');
    expect(() => filled(1).addInPlace(new GMMStats(2, 4))).toThrow('[2,3] and [2,4]');
  });

  test('equals is exact; isSimilarTo has numpy allclose tolerances (rtol 1e-5, atol 1e-8)', () => {
    const a = filled(1);
    const b = filled(1);
    expect(a.equals(b)).toBe(true);
    const scaled = (s: GMMStats, factor: number) => (s.sumPxx = s.sumPxx.map((v, i) => (i === 5 ? v * factor : v)));
    scaled(b, 1 + 1e-7);
    expect(a.equals(b)).toBe(false);
    expect(a.isSimilarTo(b)).toBe(true);
    scaled(b, 1 + 1e-4);
    expect(a.isSimilarTo(b)).toBe(false);
    expect(a.isSimilarTo(b, 1e-3)).toBe(true);
    expect(a.isSimilarTo(new GMMStats(2, 4))).toBe(false);
  });

  test('reset zeroes; resize changes the shape and zeroes; initFields checks lengths', () => {
    const a = filled(1);
    a.reset();
    expect(a.equals(new GMMStats(2, 3))).toBe(true);
    a.resize(4, 5);
    expect(a.shape).toEqual([4, 5]);
    expect(a.sumPx).toHaveLength(20);
    expect(() => a.initFields({ n: [1, 2] })).toThrow(/n must have shape \[4\]/);
    expect(() => new GMMStats(0, 3)).toThrow(/nGaussians/);
  });

  test('initFields copies its arrays', () => {
    const n = [1, 2];
    const s = new GMMStats(2, 1).initFields({ n });
    n[0] = 7;
    expect(s.n[0]).toBe(1);
  });

  test("statistics of two different models are not added; the model of known statistics carries over to a sum", async () => {
    const a = filled(1).initFields({ ...fields(filled(1)), model: '0123456789abcdef' });
    const b = filled(2).initFields({ ...fields(filled(2)), model: 'fedcba9876543210' });
    expect(() => a.add(b)).toThrow(/statistics of model 0123456789abcdef and of model fedcba9876543210 cannot be added/);
    expect(filled(2).add(a).model).toBe('0123456789abcdef');
    expect(a.clone().model).toBe('0123456789abcdef');
  });
});

function fields(s: GMMStats) {
  return { logLikelihood: s.logLikelihood, t: s.t, n: s.n, sumPx: s.sumPx, sumPxx: s.sumPxx };
}

test('reading sumPx or sumPxx changes nothing; setting them holds the statistics about 0', () => {
  const s = new GMMStats(1, 1).initFields({ t: 2, n: [2], centred: { centre: Float64Array.of(10), first: Float64Array.of(1), second: Float64Array.of(3) } });
  expect([...s.sumPx, ...s.sumPxx]).toEqual([21, 3 + 2 * 10 * 1 + 2 * 100]);
  expect(s.centredMoments()).toEqual({ centre: Float64Array.of(10), first: Float64Array.of(1), second: Float64Array.of(3) });
  s.sumPx = [20];
  expect(s.centredMoments()).toEqual({ centre: null, first: Float64Array.of(20), second: Float64Array.of(223) });
});
