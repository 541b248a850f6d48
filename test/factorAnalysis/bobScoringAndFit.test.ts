/**
 * ISVMachine and JFAMachine against the rest of bob.learn.em's tests/test_factor_analysis.py:
 * machine scores of hand-set matrices and models (test_ISVMachine, test_JFAMachine) on given
 * statistics (float64, bob's 1e-10) and on statistics of numpy's seed-0 data, and fits from
 * per-sample statistics of numpy's seed-10 data under a given UBM (test_ISV_JFA_fit, the cases
 * with a UBM; bob checks 1e-7 absolute). The data come from test/fixtures/factorAnalysis
 * (make_data.py draws them as bob's tests do). Statistics of data are taken both in float64 (a
 * plain e-step in the test: bob's bound) and from the float32 device (GMMMachine.accStats, whose
 * responsibilities carry float32 rounding: the looser bound stated per test).
 */
import { readFileSync } from 'node:fs';
import { GMMMachine } from '../../src/machines/GMMMachine.js';
import { GMMStats } from '../../src/machines/GMMStats.js';
import { ISVMachine } from '../../src/machines/factorAnalysis/ISVMachine.js';
import { JFAMachine } from '../../src/machines/factorAnalysis/JFAMachine.js';
import { expectClose } from '../helpers/expectClose.js';
import { eStep64 } from '../helpers/float64Gmm.js';

const DATA = JSON.parse(readFileSync(new URL('../fixtures/factorAnalysis/data.json', import.meta.url), 'utf8')) as {
  scoring: number[][];
  fit: number[][];
  fitMeans: number[][];
};

const U6 = [[1, 2], [3, 4], [5, 6], [7, 8], [9, 10], [11, 12]];

function scoringUbm(): GMMMachine {
  const ubm = new GMMMachine(2, { weights: [0.4, 0.6] });
  ubm.means = [[1, 6, 2], [4, 3, 2]];
  ubm.variances = [[1, 2, 1], [2, 1, 2]];
  return ubm;
}

/** The statistics of seed-0 data under the scoring UBM, by a float64 e-step. */
function float64Stats(): GMMStats {
  const e = eStep64(DATA.scoring, { weights: [0.4, 0.6], means: [[1, 6, 2], [4, 3, 2]], variances: [[1, 2, 1], [2, 1, 2]] });
  const s = new GMMStats(2, 3);
  [s.t, s.n, s.sumPx] = [e.t, Float64Array.from(e.n), e.sumPx.flat()];
  return s;
}

function givenStats(): GMMStats {
  const s = new GMMStats(2, 3);
  s.t = 1;
  s.logLikelihood = -3;
  s.n = Float64Array.from([0.4, 0.6]);
  s.sumPx = [1, 2, 3, 4, 5, 6];
  s.sumPxx = [10, 20, 30, 40, 50, 60];
  return s;
}

let ubm: GMMMachine;
beforeAll(() => {
  ubm = scoringUbm();
});
afterAll(() => ubm.dispose());

test("ISVMachine.score: bob's -3.2804981930821 on given statistics (1e-10) and -1.2343813195374242 on seed-0 data (1e-10; 1e-6 from the float32 e-step)", async () => {
  const isv = new ISVMachine(ubm, { rU: 2 });
  isv.U = U6;
  isv.D = [0, 1, 0, 1, 0, 1];
  const z = [3, 4, 1, 2, 0, 1];
  expectClose(isv.score(z, [givenStats()]), -3.2804981930821, 0, 1e-10);
  expectClose(isv.score(z, [float64Stats()]), -1.2343813195374242, 0, 1e-10);
  expectClose(isv.score(z, [await ubm.accStats(DATA.scoring)]), -1.2343813195374242, 1e-6);
});

test("JFAMachine.score: bob's -2.111577181208289 on given statistics (1e-10) and 2.028009315286946 on seed-0 data (1e-10; 5e-6 from the float32 e-step)", async () => {
  const jfa = new JFAMachine(ubm, { rU: 2, rV: 2 });
  jfa.U = U6;
  jfa.V = [[6, 5], [4, 3], [2, 1], [1, 2], [3, 4], [5, 6]];
  jfa.D = [0, 1, 0, 1, 0, 1];
  const model = { y: Float64Array.from([1, 2]), z: Float64Array.from([3, 4, 1, 2, 0, 1]) };
  expectClose(jfa.score(model, [givenStats()]), -2.111577181208289, 0, 1e-10);
  expectClose(jfa.score(model, [float64Stats()]), 2.028009315286946, 0, 1e-10);
  expectClose(jfa.score(model, [await ubm.accStats(DATA.scoring)]), 2.028009315286946, 5e-6);
});

const PRIOR_U = [
  [-0.150035, -0.44441], [-1.67812, 2.47621], [-0.52885, 0.659141], [-0.538446, 1.67376], [-0.111288, 2.06948], [1.39563, -1.65004],
];
const PRIOR_V = [
  [0.732467, 0.281321], [0.543212, -0.512974], [1.04108, 0.835224], [-0.363719, -0.324688], [-1.21579, -0.905314], [-0.993204, -0.121991],
];
const PRIOR_D = [0.943986, -0.0900599, -0.528103, 0.541502, -0.717824, 0.463729];
const LABELS = [...Array(10).fill(0), ...Array(10).fill(1)];

/** The prior UBM, and each sample's statistics under it: from the device (float32 e-step) and from a float64 e-step. */
async function perSampleStats(): Promise<{ prior: GMMMachine; device: GMMStats[]; exact: GMMStats[] }> {
  const prior = new GMMMachine(2, { weights: [0.3, 0.7] });
  prior.means = DATA.fitMeans;
  prior.variances = [[0.5, 0.5, 0.5], [0.5, 0.5, 0.5]];
  const exact = DATA.fit.map((row) => {
    const e = eStep64([row], { weights: [0.3, 0.7], means: DATA.fitMeans, variances: [[0.5, 0.5, 0.5], [0.5, 0.5, 0.5]] });
    const s = new GMMStats(2, 3);
    [s.t, s.n, s.sumPx] = [e.t, Float64Array.from(e.n), e.sumPx.flat()];
    return s;
  });
  return { prior, device: await prior.transform(DATA.fit.map((row) => [row])), exact };
}

const ISV_U = [
  -0.01018673, -0.0266506, -0.00160621, -0.00420217, 0.02811705, 0.07356008, 0.011624, 0.0304108, 0.03261831, 0.08533629, 0.04602191, 0.12040291,
];
const JFA_V = [
  0.002881, -0.00584225, 0.04143539, -0.08402497, -0.26149924, 0.53028251, -0.25156832, 0.51014406, -0.38687765, 0.78453174, -0.36015821, 0.73034858,
];

test("ISV fit of per-sample statistics, 50 EM steps: bob's U (1e-7 absolute as bob; 5e-7 from the float32 e-step's statistics)", async () => {
  const { prior, device, exact } = await perSampleStats();
  for (const [stats, bound] of [[exact, 1e-7], [device, 5e-7]] as const) {
    const isv = new ISVMachine(prior, { rU: 2, relevanceFactor: 4, emIterations: 50, randomState: 10 });
    isv.U = PRIOR_U;
    isv.fit(stats, LABELS);
    expectClose(isv.U, ISV_U, 0, bound);
  }
  prior.dispose();
});

test("JFA fit of per-sample statistics, 50 EM steps each: bob's V (1e-7 absolute as bob; 5e-7 from the float32 e-step's statistics)", async () => {
  const { prior, device, exact } = await perSampleStats();
  for (const [stats, bound] of [[exact, 1e-7], [device, 5e-7]] as const) {
    const jfa = new JFAMachine(prior, { rU: 2, rV: 2, relevanceFactor: 4, emIterations: 50, randomState: 10 });
    [jfa.U, jfa.V, jfa.D] = [PRIOR_U, PRIOR_V, PRIOR_D];
    jfa.fit(stats, LABELS);
    expectClose(jfa.V, JFA_V, 0, bound);
  }
  prior.dispose();
});
