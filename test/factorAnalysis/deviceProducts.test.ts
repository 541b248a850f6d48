/**
 * deviceProducts on the jest project's backend: ISV and JFA fits, enrolment and scores with the
 * batched products as float32 TF.js matrix products agree with the host's float64 ones (sizes
 * above the device threshold: C 16, D 64, ranks 64), normwise within the bounds below (measured:
 * ISV's U, z and scores 8.5e-5, 1.2e-4, 6.6e-5 on wasm, 4.7e-5, 6.9e-5, 2.9e-5 on cpu; JFA's V, U,
 * D 2.0e-5, 4.5e-5, 4.6e-4 on wasm: float32 products of systems whose condition amplifies their
 * rounding); no tensor is left behind. On webgpu, which cannot read results synchronously here, a
 * clear refusal.
 */
import * as tf from '@tensorflow/tfjs-core';
import { GMMMachine } from '../../src/machines/GMMMachine.js';
import { GMMStats } from '../../src/machines/GMMStats.js';
import { ISVMachine } from '../../src/machines/factorAnalysis/ISVMachine.js';
import { JFAMachine } from '../../src/machines/factorAnalysis/JFAMachine.js';
import { Random } from '../../src/math/random.js';

const [C, D, R] = [16, 64, 64];
const rng = new Random(21);
const means = Float64Array.from({ length: C * D }, () => rng.normal());

function ubm(): GMMMachine {
  const m = new GMMMachine(C);
  m.means = means;
  m.variances = Float64Array.from({ length: C * D }, (_, i) => 0.5 + ((i * 7) % 5) / 4);
  return m;
}

/** 6 speakers of 4 sessions: frames spread over the Gaussians, first moments around speaker offsets. */
function sessions(): { stats: GMMStats[]; ids: number[] } {
  const stats: GMMStats[] = [];
  const ids: number[] = [];
  for (let s = 0; s < 6; s++) {
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

test('ISV with deviceProducts: U after 3 steps, z and scores agree with the host (normwise 3e-4); no tensor left', () => {
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
  expect(normwise(device.U, host.U)).toBeLessThan(3e-4);
  expect(normwise(z[0], z[1])).toBeLessThan(3e-4);
  expect(normwise(scores.map((s) => s[0]), scores.map((s) => s[1]))).toBeLessThan(3e-4);
  expect(tf.memory().numTensors).toBe(before);
  base.dispose();
});

test('JFA with deviceProducts: V and U (3e-4) and D (1.5e-3) after 2 steps each agree with the host; no tensor left', () => {
  if (onWebgpu()) return; // the refusal is the ISV test's
  const base = ubm();
  const { stats, ids } = sessions();
  const before = tf.memory().numTensors;
  const [device, host] = [true, false].map((deviceProducts) => new JFAMachine(base, { rU: R, rV: R, emIterations: 2, deviceProducts }).fit(stats, ids));
  expect(normwise(device.V, host.V)).toBeLessThan(3e-4);
  expect(normwise(device.U, host.U)).toBeLessThan(3e-4);
  expect(normwise(device.D, host.D)).toBeLessThan(1.5e-3); // D = sums of residual z over sums of N E[z^2], residuals after U x: the most cancellation
  expect(tf.memory().numTensors).toBe(before);
  base.dispose();
});
