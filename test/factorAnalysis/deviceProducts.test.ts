/**
 * deviceProducts on the jest project's backend: ISV, JFA and i-vector fits, enrolment, scores and
 * projections with the batched products as float32 TF.js matrix products agree with the host's
 * float64 ones, normwise within 1e-5, on well-posed problems above the device threshold (C 64,
 * D 64; U of rank 32 over 96 sessions, V of rank 16 over 24 speakers, T of rank 32 over 96
 * utterances). Measured: ISV's U, z, scores 2.7e-6, 1.1e-6, 1.7e-6 on wasm (5.1e-7, 1.6e-7,
 * 2.4e-7 on cpu); JFA's V, U, D 2.9e-6, 4.2e-6, 5.8e-6 (5.8e-7, 6.5e-7, 9.3e-7); T, Sigma and the
 * i-vectors 2.1e-6, 1.2e-7, 1.9e-6 (3.2e-7, 1.8e-8, 3.5e-7). No tensor is left behind. On webgpu,
 * which cannot read results synchronously here, a clear refusal.
 */
import * as tf from '@tensorflow/tfjs-core';
import { GMMMachine } from '../../src/machines/GMMMachine.js';
import { GMMStats } from '../../src/machines/GMMStats.js';
import { ISVMachine } from '../../src/machines/factorAnalysis/ISVMachine.js';
import { JFAMachine } from '../../src/machines/factorAnalysis/JFAMachine.js';
import { IVectorMachine } from '../../src/machines/IVectorMachine.js';
import { Random } from '../../src/math/random.js';

const [C, D, R] = [64, 64, 32];
const rng = new Random(21);
const means = Float64Array.from({ length: C * D }, () => rng.normal());

function ubm(): GMMMachine {
  const m = new GMMMachine(C);
  m.means = means;
  m.variances = Float64Array.from({ length: C * D }, (_, i) => 0.5 + ((i * 7) % 5) / 4);
  return m;
}

/** 24 speakers of 4 sessions (more sessions than U's rank, more speakers than V's): frames spread over the Gaussians, first moments around speaker offsets. */
function sessions(): { stats: GMMStats[]; ids: number[] } {
  const stats: GMMStats[] = [];
  const ids: number[] = [];
  for (let s = 0; s < 24; s++) {
    const offset = Float64Array.from({ length: C * D }, () => 0.5 * rng.normal());
    for (let h = 0; h < 4; h++) {
      const g = new GMMStats(C, D);
      g.n = Float64Array.from({ length: C }, () => 2 + 20 * rng.random());
      g.t = g.n.reduce((a, b) => a + b, 0);
      g.sumPx = Float64Array.from({ length: C * D }, (_, i) => g.n[(i / D) | 0] * (means[i] + offset[i] + 0.3 * rng.normal()));
      stats.push(g);
      ids.push(s);
    }
  }
  return { stats, ids };
}

/** max |a - b| / max |b|: the normwise relative difference. */
function normwise(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let [diff, scale] = [0, 0];
  for (let i = 0; i < b.length; i++) [diff, scale] = [Math.max(diff, Math.abs(a[i] - b[i])), Math.max(scale, Math.abs(b[i]))];
  return diff / scale;
}

const onWebgpu = () => tf.getBackend() === 'webgpu';

/** Normwise agreement with the host asked of every result (measured in the file's comment). */
const BOUND = 1e-5;

test('ISV with deviceProducts: U after 3 steps, z and scores agree with the host; no tensor left', () => {
  const base = ubm();
  const { stats, ids } = sessions();
  const device = new ISVMachine(base, { rU: R, emIterations: 3, deviceProducts: true });
  if (onWebgpu()) {
    expect(() => device.fit(stats, ids)).toThrow('ISVMachine: deviceProducts reads results synchronously, which the webgpu backend cannot do here: use wasm, webgl or tensorflow, or deviceProducts false');
    base.dispose();
    return;
  }
  const host = new ISVMachine(base, { rU: R, emIterations: 3 });
  const before = tf.memory().numTensors;
  device.fit(stats, ids);
  host.fit(stats, ids);
  const z = [device.enroll(stats.slice(0, 4)), host.enroll(stats.slice(0, 4))];
  const scores = stats.slice(4, 12).map((p) => [device.score(z[0], [p]), host.score(z[1], [p])]);
  expect(normwise(device.U, host.U)).toBeLessThan(BOUND);
  expect(normwise(z[0], z[1])).toBeLessThan(BOUND);
  expect(normwise(scores.map((s) => s[0]), scores.map((s) => s[1]))).toBeLessThan(BOUND);
  expect(tf.memory().numTensors).toBe(before);
  base.dispose();
});

test('JFA with deviceProducts: V, U and D after 2 steps each agree with the host; no tensor left', () => {
  if (onWebgpu()) return; // the refusal is the ISV test's
  const base = ubm();
  const { stats, ids } = sessions();
  const before = tf.memory().numTensors;
  const [device, host] = [true, false].map((deviceProducts) => new JFAMachine(base, { rU: R, rV: 16, emIterations: 2, deviceProducts }).fit(stats, ids));
  for (const key of ['V', 'U', 'D'] as const) expect(normwise(device[key], host[key])).toBeLessThan(BOUND);
  expect(tf.memory().numTensors).toBe(before);
  base.dispose();
});

/** 96 utterances of a C 64, D 64 UBM (the i-vector problem: R 32 below the number of utterances, so that T is determined). */
function utterances(base: GMMMachine): GMMStats[] {
  const [c, d] = base.shape;
  const m = base.means;
  return Array.from({ length: 96 }, () => {
    const g = new GMMStats(c, d);
    g.n = Float64Array.from({ length: c }, () => 1 + 10 * rng.random());
    g.t = g.n.reduce((a, b) => a + b, 0);
    const shift = Float64Array.from({ length: c * d }, () => 0.4 * rng.normal());
    g.sumPx = Float64Array.from({ length: c * d }, (_, i) => g.n[(i / d) | 0] * (m[i] + shift[i]));
    g.sumPxx = Float64Array.from({ length: c * d }, (_, i) => g.n[(i / d) | 0] * ((m[i] + shift[i]) ** 2 + 1));
    return g;
  });
}

test('IVectorMachine with deviceProducts: T and Sigma after 3 EM steps, and i-vectors under one T, agree with the host; no tensor left', () => {
  const base = new GMMMachine(64);
  base.means = Float64Array.from({ length: 64 * 64 }, () => rng.normal());
  base.variances = Float64Array.from({ length: 64 * 64 }, (_, i) => 0.5 + ((i * 7) % 5) / 4);
  const stats = utterances(base);
  const device = new IVectorMachine(base, { dimT: 32, maxIterations: 3, deviceProducts: true });
  if (onWebgpu()) {
    expect(() => device.fit(stats)).toThrow('IVectorMachine: deviceProducts reads results synchronously');
    base.dispose();
    return;
  }
  const before = tf.memory().numTensors;
  const host = new IVectorMachine(base, { dimT: 32, maxIterations: 3 }).fit(stats);
  device.fit(stats);
  const fitted = [normwise(device.T!, host.T!), normwise(device.sigma!, host.sigma!)];
  [device.T, device.sigma] = [host.T!, host.sigma!];
  const flat = (m: IVectorMachine) => m.transform(stats).flatMap((v) => Array.from(v));
  for (const difference of [...fitted, normwise(flat(device), flat(host))]) expect(difference).toBeLessThan(BOUND);
  expect(tf.memory().numTensors).toBe(before);
  base.dispose();
});
