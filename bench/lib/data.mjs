// Deterministic benchmark data: samples from a 64-component diagonal GMM in D dimensions,
// and starting parameters per K (means at evenly spaced samples, unit variances, equal
// weights), the same for every backend and for the Python anchors.

/** mulberry32: a small, fast, seedable generator of uniform [0, 1) values. */
export function uniform(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SOURCE_COMPONENTS = 64;

/** The generating model's means and standard deviations, [64, D] each. */
function sourceModel(d) {
  const rng = uniform(12345);
  const means = Float64Array.from({ length: SOURCE_COMPONENTS * d }, () => 8 * rng() - 4);
  const stds = Float64Array.from({ length: SOURCE_COMPONENTS * d }, () => 0.5 + rng());
  return { means, stds };
}

/**
 * Writes rows [start, end) into out (row-major, D per row). Row i depends only on i, so a
 * source may generate any chunk on demand (the memory run never holds all rows).
 */
export function fillRows(model, d, start, end, out) {
  for (let i = start, o = 0; i < end; i++) {
    const rng = uniform(0x9e3779b9 ^ Math.imul(i, 0x85ebca6b));
    const c = Math.floor(rng() * SOURCE_COMPONENTS) * d;
    for (let j = 0; j < d; j += 2) {
      // Box-Muller: two normal draws per pair of uniforms.
      const r = Math.sqrt(-2 * Math.log(1 - rng()));
      const t = 2 * Math.PI * rng();
      out[o++] = model.means[c + j] + model.stds[c + j] * r * Math.cos(t);
      if (j + 1 < d) out[o++] = model.means[c + j + 1] + model.stds[c + j + 1] * r * Math.sin(t);
    }
  }
  return out;
}

/** n x d float32 samples. */
export function makeData(n, d) {
  return { data: fillRows(sourceModel(d), d, 0, n, new Float32Array(n * d)), shape: [n, d] };
}

/** Rows generated on demand (see fillRows). */
export function rowSource(n, d) {
  const model = sourceModel(d);
  return { nSamples: n, nFeatures: d, fill: (start, end, out) => fillRows(model, d, start, end, out) };
}

const POOL_ROWS = 65536;

/**
 * n rows drawn from a fixed pool of 65536 generated rows (row i is pool row
 * i * 40503 mod 65536, a permutation of each block of 65536): the memory run's
 * source, cheap to read and of a size that does not grow with n.
 */
export function pooledSource(n, d) {
  const pool = fillRows(sourceModel(d), d, 0, POOL_ROWS, new Float32Array(POOL_ROWS * d));
  const fill = (start, end, out) => {
    for (let i = start, o = 0; i < end; i++, o += d) {
      const p = (Math.imul(i, 40503) & (POOL_ROWS - 1)) * d;
      out.set(pool.subarray(p, p + d), o);
    }
    return out;
  };
  return { nSamples: n, nFeatures: d, fill };
}

/** Starting parameters for K Gaussians: means at K evenly spaced samples. */
export function startParameters(k, d, source) {
  const n = source.nSamples;
  const means = new Float64Array(k * d);
  const row = new Float32Array(d);
  for (let i = 0; i < k; i++) {
    source.fill(Math.floor(((i + 0.5) * n) / k), Math.floor(((i + 0.5) * n) / k) + 1, row);
    means.set(row, i * d);
  }
  return { weights: new Float64Array(k).fill(1 / k), means, variances: new Float64Array(k * d).fill(1) };
}
