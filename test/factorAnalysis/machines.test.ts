/**
 * What the bob checks do not cover: ISV's e-step sums add across shards of speakers (what a
 * distributed fit needs) to the one-process step, exactly in value to 1e-12; the seeded start;
 * speakers grouped from string or number ids alike; a fit that keeps numTensors; mistakes named.
 */
import * as tf from '@tensorflow/tfjs-core';
import { GMMMachine } from '../../src/machines/GMMMachine.js';
import { GMMStats } from '../../src/machines/GMMStats.js';
import { ISVMachine } from '../../src/machines/factorAnalysis/ISVMachine.js';
import { JFAMachine } from '../../src/machines/factorAnalysis/JFAMachine.js';
import { addSubspace } from '../../src/math/factorAnalysis/accumulators.js';
import { Random } from '../../src/math/random.js';
import { expectClose } from '../helpers/expectClose.js';

const C = 3;
const D = 4;

const MEANS = Float64Array.from({ length: C * D }, (_, i) => ((i / D) | 0) * 2 - (i % D));

function ubm(): GMMMachine {
  const m = new GMMMachine(C, { weights: [0.2, 0.3, 0.5] });
  m.means = MEANS;
  m.variances = Array.from({ length: C }, (_, c) => Array.from({ length: D }, (_, j) => 0.5 + 0.25 * ((c + j) % 3)));
  return m;
}

/** Made-up statistics of `count` sessions: responsibilities and first moments around the UBM's means. */
function sessions(count: number, seed: number): GMMStats[] {
  const rng = new Random(seed);
  return Array.from({ length: count }, () => {
    const s = new GMMStats(C, D);
    const n = Float64Array.from({ length: C }, () => 1 + 5 * rng.random());
    s.t = n.reduce((a, b) => a + b, 0);
    s.n = n;
    s.sumPx = Float64Array.from({ length: C * D }, (_, i) => n[(i / D) | 0] * (MEANS[i] + rng.normal()));
    return s;
  });
}

let base: GMMMachine;
beforeAll(() => {
  base = ubm();
});
afterAll(() => base.dispose());

test("ISV e-step sums of two shards of speakers add to one process's sums; the m-step of the sum is fit's step", () => {
  const stats = sessions(8, 1);
  const ids = [0, 0, 1, 1, 1, 2, 3, 3];
  const whole = new ISVMachine(base, { rU: 2, emIterations: 1, randomState: 5 });
  const sharded = new ISVMachine(base, { rU: 2, randomState: 5 });
  const acc = addSubspace(sharded.eStep(stats.slice(0, 5), ids.slice(0, 5)), sharded.eStep(stats.slice(5), ids.slice(5)));
  const single = whole.eStep(stats, ids);
  expectClose(acc.a1, single.a1, 1e-12, 1e-14);
  expectClose(acc.a2, single.a2, 1e-12, 1e-14);
  sharded.mStep(acc);
  whole.fit(stats, ids);
  expectClose(sharded.U, whole.U, 1e-12, 1e-14);
});

test('the start is seeded: the same randomState draws the same U and V, another does not; D starts at sqrt(variances / relevance)', () => {
  const [a, b, c] = [3, 3, 4].map((seed) => new JFAMachine(base, { rU: 2, rV: 3, randomState: seed }));
  expect(Array.from(a.U)).toEqual(Array.from(b.U));
  expect(Array.from(a.V)).toEqual(Array.from(b.V));
  expect(Array.from(a.U)).not.toEqual(Array.from(c.U));
  expect(a.U.length).toBe(C * D * 2);
  expect(a.V.length).toBe(C * D * 3);
  const isv = new ISVMachine(base, { rU: 2, relevanceFactor: 2, randomState: 3 });
  expect(Array.from(isv.U)).toEqual(Array.from(a.U)); // U first, as bob's create_UVD
  expectClose(isv.D, base.variances.map((v) => Math.sqrt(v / 2)), 1e-15);
});

test('speaker ids: strings and numbers group alike (sorted); the fit keeps numTensors and scores stay finite', () => {
  const stats = sessions(6, 2);
  const before = tf.memory().numTensors;
  const byNumber = new JFAMachine(base, { rU: 1, rV: 1, emIterations: 2 }).fit(stats, [2, 1, 2, 1, 0, 0]);
  const byString = new JFAMachine(base, { rU: 1, rV: 1, emIterations: 2 }).fit(stats, ['c', 'b', 'c', 'b', 'a', 'a']);
  expect(tf.memory().numTensors).toBe(before);
  for (const key of ['U', 'V', 'D'] as const) expect(Array.from(byNumber[key])).toEqual(Array.from(byString[key]));
  const model = byNumber.enroll(stats.slice(0, 2));
  expect(Number.isFinite(byNumber.score(model, stats.slice(2, 3)))).toBe(true);
});

test('mistakes are named', () => {
  const stats = sessions(2, 3);
  const message = (f: () => unknown) => {
    try {
      f();
      return null;
    } catch (e) {
      return (e as Error).message;
    }
  };
  expect(message(() => new ISVMachine(base, { rU: 0 }))).toBe('ISVMachine: rU must be a positive integer; got 0');
  expect(message(() => new JFAMachine(base, { rU: 1 } as never))).toBe('JFAMachine: rV must be a positive integer; got undefined');
  expect(message(() => new ISVMachine(base, { rU: 1, rank: 2 } as never))).toBe('ISVMachine: unknown option(s) rank; valid: rU, relevanceFactor, emIterations, enrollIterations, randomState, deviceProducts');
  expect(message(() => new ISVMachine(base, { rU: 1, relevanceFactor: 0 }))).toBe('ISVMachine: relevanceFactor must be finite and > 0; got 0');
  const isv = new ISVMachine(base, { rU: 2 });
  expect(message(() => (isv.U = [1, 2, 3]))).toBe('ISVMachine: U must have shape [12, 2] (24 values); got 3');
  expect(message(() => isv.fit(stats, [0]))).toBe('ISVMachine.fit: expected one speaker id per statistics (2); got 1');
  expect(message(() => isv.fit(stats, [0, 1.5]))).toBe('ISVMachine.fit: speaker id 1 is 1.5; ids are integers or strings');
  expect(message(() => isv.fit([new GMMStats(2, D)], [0]))).toBe('ISVMachine.fit: statistics 0 are [2,4]; the UBM is [3, 4]');
  expect(message(() => isv.enroll([]))).toBe('ISVMachine.enroll: expected at least one GMMStats');
  expect(message(() => isv.score([1, 2], stats))).toBe('ISVMachine.score: z must have shape [12] (12 values); got 2');
  const full = new GMMMachine(2, { covarianceType: 'full' });
  full.means = [[0, 0], [1, 1]];
  expect(message(() => new ISVMachine(full, { rU: 1 }))).toBe("ISVMachine: the UBM has full covariances; ISV and JFA take diagonal (or spherical) ones, as bob's");
  full.dispose();
});

test("scores follow U and the UBM's variances when they change (the per-Gaussian terms kept between calls are dropped)", () => {
  const own = ubm();
  const stats = sessions(3, 4);
  const machine = new ISVMachine(own, { rU: 2, randomState: 1 });
  const z = machine.enroll(stats.slice(0, 2));
  const first = machine.score(z, [stats[2]]);
  expect(machine.score(z, [stats[2]])).toBe(first);
  machine.U = machine.U.map((v) => v * 2);
  const fresh = new ISVMachine(own, { rU: 2 });
  fresh.U = machine.U;
  expect(machine.score(z, [stats[2]])).toBe(fresh.score(z, [stats[2]]));
  expect(machine.score(z, [stats[2]])).not.toBe(first);
  own.variances = own.variances.map((v) => v * 1.5);
  const again = new ISVMachine(own, { rU: 2 });
  [again.U, again.D] = [machine.U, machine.D];
  expect(machine.score(z, [stats[2]])).toBe(again.score(z, [stats[2]]));
  own.dispose();
});
