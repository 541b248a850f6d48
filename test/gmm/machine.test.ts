import { GMMMachine } from '../../src/machines/GMMMachine.js';
import { EPSILON, LOG_2PI } from '../../src/math/constants.js';
import { TfjsEmError } from '../../src/errors.js';
import { expectClose } from '../helpers/expectClose.js';

describe('GMMMachine parameters', () => {
  test("bob's defaults", () => {
    const m = new GMMMachine(4);
    expect(m.trainer).toBe('ml');
    expect(m.convergenceThreshold).toBe(1e-5);
    expect(m.maxFittingSteps).toBe(200);
    expect(m.randomState).toBe(0);
    expect([m.updateMeans, m.updateVariances, m.updateWeights]).toEqual([true, false, false]);
    expect(m.meanVarUpdateThreshold).toBe(EPSILON);
    expect(m.mapAlpha).toBe(0.5);
    expect(m.mapRelevanceFactor).toBe(4);
    expect(Array.from(m.weights)).toEqual([0.25, 0.25, 0.25, 0.25]);
    expect(m.varianceThresholds).toEqual({ data: Float64Array.of(EPSILON), shape: [] });
    expect(m.isInitialized).toBe(false);
  });

  test('constructor errors', () => {
    expect(() => new GMMMachine(2, { convergenceThreshold: null, maxFittingSteps: null })).toThrow(/Either or both/);
    expect(() => new GMMMachine(0)).toThrow(TfjsEmError);
    expect(() => new GMMMachine(2, { trainer: 'em' as 'ml' })).toThrow(/trainer must be one of 'ml', 'map'/);
    expect(() => new GMMMachine(2, { weights: [1] })).toThrow(/2 values/);
  });

  test('weights and variances given by a user are checked: finite, > 0, weights summing to 1', () => {
    const m = new GMMMachine(2);
    expect(() => (m.weights = [0.5, 0.6])).toThrow(/sum to 1; they sum to 1.1/);
    expect(() => (m.weights = [1, 0])).toThrow(/weight 1 is 0/);
    expect(() => (m.weights = [NaN, 1])).toThrow(/weight 0 is NaN/);
    expect(() => new GMMMachine(2, { weights: [-0.5, 1.5] })).toThrow(/weight 0 is -0.5/);
    m.means = [[0], [1]];
    expect(() => (m.variances = [[1], [0]])).toThrow(/variance 1 \(row-major\) is 0/);
    expect(() => (m.variances = [[-1], [1]])).toThrow(/variance 0 \(row-major\) is -1/);
    expect(() => (m.variances = [[Infinity], [1]])).toThrow(/finite/);
    expect(() => (m.means = [[0], [NaN]])).toThrow(/means must be finite/);
  });

  test('means and variances before they are set throw NOT_INITIALIZED', async () => {
    const m = new GMMMachine(2);
    expect(() => m.means).toThrow(expect.objectContaining({ code: 'NOT_INITIALIZED' }));
    await expect(m.logLikelihood([[1, 2]])).rejects.toMatchObject({ code: 'NOT_INITIALIZED' });
  });

  test('weights keep log-weights in step; variances keep g_norms in step', () => {
    const m = new GMMMachine(2, { weights: [0.25, 0.75] });
    expectClose(m.logWeights, [Math.log(0.25), Math.log(0.75)], 1e-15);
    m.means = [[0, 0], [1, 1]];
    m.variances = [[1, 2], [3, 4]];
    expectClose(m.gNorms, [2 * LOG_2PI + Math.log(2), 2 * LOG_2PI + Math.log(12)], 1e-15);
    expect(m.shape).toEqual([2, 2]);
  });

  test('variances are clamped to scalar, per-feature and per-Gaussian thresholds, also when thresholds change later', () => {
    const m = new GMMMachine(2);
    m.means = [[0, 0], [1, 1]];
    m.variances = [[1e-20, 2], [0.5, 1e-3]];
    expect(Array.from(m.variances)).toEqual([EPSILON, 2, 0.5, 1e-3]);
    m.varianceThresholds = 0.1;
    expect(Array.from(m.variances)).toEqual([0.1, 2, 0.5, 0.1]);
    m.varianceThresholds = [1, 0];
    expect(Array.from(m.variances)).toEqual([1, 2, 1, 0.1]);
    m.varianceThresholds = [[0, 3], [0, 0]];
    expect(Array.from(m.variances)).toEqual([1, 3, 1, 0.1]);
    expect(m.varianceThresholds.shape).toEqual([2, 2]);
    expect(() => (m.varianceThresholds = [1, 2, 3])).toThrow(/shape \[3\]/);
    expect(() => (m.varianceThresholds = -1)).toThrow(/>= 0/);
  });

  test('shape mismatches between means, variances and data are errors', async () => {
    const m = new GMMMachine(2);
    m.means = [[0, 0], [1, 1]];
    expect(() => (m.variances = [[1, 1, 1], [1, 1, 1]])).toThrow(/do not match/);
    expect(() => (m.means = [1, 2, 3])).toThrow(/\[2, nFeatures\]/);
    m.variances = [[1, 1], [1, 1]];
    await expect(m.logLikelihood([[1, 2, 3]])).rejects.toMatchObject({ code: 'SHAPE_MISMATCH' });
  });

  test('data is checked: NaN, Inf, ragged rows and no rows are INVALID_DATA errors naming the place', async () => {
    const m = new GMMMachine(1);
    m.means = [[0, 0]];
    m.variances = [[1, 1]];
    await expect(m.logLikelihood([[1, NaN]])).rejects.toThrow(/NaN at row 0, column 1/);
    await expect(m.logLikelihood({ data: Float32Array.of(1, 2, Infinity, 4), shape: [2, 2] })).rejects.toThrow(/Infinity at row 1, column 0/);
    await expect(m.logLikelihood([[1, 2], [3]])).rejects.toThrow(/row 1 has 1 values/);
    await expect(m.logLikelihood([])).rejects.toMatchObject({ code: 'INVALID_DATA' });
    await expect(m.logLikelihood({ data: new Float64Array(3), shape: [2, 2] })).rejects.toThrow(/does not match 3 values/);
  });

  test('one sample may be given as one row; all input forms agree', async () => {
    const m = new GMMMachine(2, { weights: [0.3, 0.7] });
    m.means = [[0, 1], [2, 3]];
    m.variances = [[1, 2], [0.5, 1]];
    const a = await m.logLikelihood([1, 2]);
    const b = await m.logLikelihood([[1, 2]]);
    const c = await m.logLikelihood({ data: Float64Array.of(1, 2), shape: [1, 2] });
    expect(a).toHaveLength(1);
    expect(Array.from(b)).toEqual(Array.from(a));
    expect(Array.from(c)).toEqual(Array.from(a));
    m.dispose();
  });

  test("equals and isSimilarTo compare means, variances, thresholds and weights (bob's ==)", () => {
    const make = () => {
      const m = new GMMMachine(2, { weights: [0.4, 0.6] });
      m.means = [[0, 1], [2, 3]];
      m.variances = [[1, 2], [0.5, 1]];
      return m;
    };
    const a = make();
    const b = make();
    expect(a.equals(b)).toBe(true);
    b.means = [[0, 1], [2, 3 + 1e-3]];
    expect(a.equals(b)).toBe(false);
    expect(a.isSimilarTo(b, 1e-3)).toBe(true);
    const c = make();
    c.varianceThresholds = [[0, 0], [0, 0.9]];
    expect(a.isSimilarTo(c)).toBe(false);
    expect(a.isSimilarTo(new GMMMachine(2))).toBe(false);
  });

  test('a MAP machine starts as a copy of its UBM, independent of later UBM changes', () => {
    const ubm = new GMMMachine(2, { weights: [0.4, 0.6] });
    ubm.varianceThresholds = 1e-3;
    ubm.means = [[0, 1], [2, 3]];
    ubm.variances = [[1, 2], [0.5, 1]];
    const m = new GMMMachine(2, { trainer: 'map', ubm });
    expect(m.equals(ubm)).toBe(true);
    ubm.means = [[5, 5], [5, 5]];
    expect(Array.from(m.means)).toEqual([0, 1, 2, 3]);
    expect(m.varianceThresholds.data[0]).toBe(1e-3);
  });
});

describe('row sources', () => {
  const rows = [[1, 2], [1.5, 2.5], [4, 5], [4.5, 5.5], [0.5, 1.5], [5, 6], [1, 1], [4, 4]];
  const source = (values: number[][], chunkLog: number[][] = []) => ({
    nSamples: values.length,
    nFeatures: values[0].length,
    read: (start: number, end: number) => (chunkLog.push([start, end]), Float64Array.from(values.slice(start, end).flat())),
  });

  test('a RowSource is read chunk by chunk and fits like the same rows in memory (exactly)', async () => {
    const make = () => {
      const m = new GMMMachine(2, { updateVariances: true, updateWeights: true, maxFittingSteps: 4, chunkSize: 3 });
      m.means = [[1, 2], [4, 5]];
      m.variances = [[1, 1], [1, 1]];
      return m;
    };
    const reads: number[][] = [];
    const a = await make().fit(source(rows, reads));
    const b = await make().fit(rows);
    expect(reads.slice(0, 3)).toEqual([[0, 3], [3, 6], [6, 8]]);
    expect(Array.from(a.means)).toEqual(Array.from(b.means));
    expect(Array.from(a.variances)).toEqual(Array.from(b.variances));
    a.dispose();
    b.dispose();
  });

  test('a RowSource is checked as it is read: bad values name their absolute row; a short read is an error', async () => {
    const m = new GMMMachine(1, { chunkSize: 2 });
    m.means = [[0, 0]];
    m.variances = [[1, 1]];
    const bad = rows.map((r) => [...r]);
    bad[5][1] = NaN;
    await expect(m.logLikelihood(source(bad))).rejects.toThrow(/NaN at row 5, column 1/);
    const short = { ...source(rows), read: () => new Float64Array(3) };
    await expect(m.logLikelihood(short)).rejects.toThrow(/read\(0, 2\) gave 3 values, not 4/);
    m.dispose();
  });
});
