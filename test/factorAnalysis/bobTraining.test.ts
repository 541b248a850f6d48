/**
 * ISVMachine and JFAMachine against bob.learn.em's tests/test_factor_analysis.py: training and
 * enrolment from its made-up statistics and starting matrices (test_ISV_train_and_enroll,
 * test_JFA_train_and_enroll), float64 throughout, to bob's own bound (1e-10 relative, 1e-8
 * absolute).
 */
import { GMMMachine } from '../../src/machines/GMMMachine.js';
import { GMMStats } from '../../src/machines/GMMStats.js';
import { ISVMachine } from '../../src/machines/factorAnalysis/ISVMachine.js';
import { JFAMachine } from '../../src/machines/factorAnalysis/JFAMachine.js';
import { expectClose } from '../helpers/expectClose.js';

const F1 = [0.3833, 0.4516, 0.6173, 0.2277, 0.5755, 0.8044, 0.5301, 0.9861, 0.2751, 0.03, 0.2486, 0.5357];
const F2 = [0.0871, 0.6838, 0.8021, 0.7837, 0.9891, 0.5341, 0.0669, 0.8854, 0.9394, 0.899, 0.0182, 0.6259];
const N1 = [0.1379, 0.1821, 0.2178, 0.0418];
const N2 = [0.1069, 0.9397, 0.6164, 0.3545];
const UBM_MEAN = [0.1806, 0.0451, 0.7232, 0.3474, 0.6606, 0.3839];
const UBM_VAR = [0.6273, 0.0216, 0.9106, 0.8006, 0.7458, 0.8131];
const M_D = [0.4106, 0.9843, 0.9456, 0.6766, 0.9883, 0.7668];
const M_V = [0.3367, 0.4116, 0.6624, 0.6026, 0.2442, 0.7505, 0.2955, 0.5835, 0.6802, 0.5518, 0.5278, 0.5836];
const M_U = [0.5118, 0.3464, 0.0826, 0.8865, 0.7196, 0.4547, 0.9962, 0.4134, 0.3545, 0.2177, 0.9713, 0.1257];
const NE = [0.1579, 0.9245, 0.1323, 0.2458];
const FE = [0.1579, 0.1925, 0.3242, 0.1234, 0.2354, 0.2734, 0.2514, 0.5874, 0.3345, 0.2463, 0.4789, 0.5236];

/** Column `col` of bob's [6, 2] F and [2, 2] N as the statistics of one session (C 2, D 3). */
function session(f: number[], n: number[], col: number): GMMStats {
  const s = new GMMStats(2, 3);
  s.n = Float64Array.from([n[col], n[2 + col]]);
  s.sumPx = Float64Array.from({ length: 6 }, (_, i) => f[i * 2 + col]);
  return s;
}

const training = () => [session(F1, N1, 0), session(F1, N1, 1), session(F2, N2, 0), session(F2, N2, 1)];
const enrolment = () => [session(FE, NE, 0), session(FE, NE, 1)];

function ubm(): GMMMachine {
  const m = new GMMMachine(2);
  m.means = [UBM_MEAN.slice(0, 3), UBM_MEAN.slice(3)];
  m.variances = [UBM_VAR.slice(0, 3), UBM_VAR.slice(3)];
  return m;
}

const BOB = [1e-10, 1e-8] as const;

test("ISV: bob's U after 10 EM steps, D at its start, and the enrolled z (5 rounds)", () => {
  const isv = new ISVMachine(ubm(), { rU: 2, relevanceFactor: 4, emIterations: 10, enrollIterations: 5 });
  isv.U = M_U;
  isv.fit(training(), [0, 0, 1, 1]);
  expectClose(isv.D, [0.39601136, 0.07348469, 0.47712682, 0.44738127, 0.43179856, 0.45086029], 1e-10, 1e-8);
  expectClose(isv.U, [
    0.855125642430777, 0.563104284748032, -0.32549786540468, 1.923598985291687, 0.511575659503837, 1.964288663083095,
    9.330165761678115, 1.073623827995043, 0.511099245664012, 0.278551249248978, 5.065578541930268, 0.509565618051587,
  ], ...BOB);
  expectClose(isv.enroll(enrolment()), [
    -0.079315777443826, 0.092702428248543, -0.342488761656616, -0.059922635809136, 0.133539981073604, 0.21311869551657,
  ], ...BOB);
});

test("JFA: bob's V, U and D after 10 EM steps each, and the enrolled y and z (5 rounds)", () => {
  const jfa = new JFAMachine(ubm(), { rU: 2, rV: 2, emIterations: 10, enrollIterations: 5 });
  [jfa.U, jfa.V, jfa.D] = [M_U, M_V, M_D];
  const phases: string[] = [];
  jfa.fit(training(), [0, 0, 1, 1], { onStep: (step, phase) => phases.push(`${phase}${step}`) });
  expect(phases.join(' ')).toBe(['V', 'U', 'D'].map((p) => Array.from({ length: 10 }, (_, i) => `${p}${i + 1}`).join(' ')).join(' '));
  expectClose(jfa.V, [
    0.245364911936476, 0.978133261775424, 0.769646805052223, 0.940070736856596, 0.310779202800089, 1.456332053893072,
    0.184760934399551, 2.265139705602147, 0.7019877840398, 0.0816321508994, 0.074344030229297, 1.090248340917255,
  ], ...BOB);
  expectClose(jfa.U, [
    0.049424652628448, 0.060480486336896, 0.178104127464007, 1.884873813495153, 1.204011484266777, 2.28135130787172,
    7.278512126426286, -0.390966087173334, -0.084424326581145, -0.081725474934414, 4.042143689831097, -0.262576386580701,
  ], ...BOB);
  expectClose(jfa.D, [9.648467e-18, 2.63720683155e-12, 2.11822157653706e-10, 9.1047243e-17, 1.41163442535567e-10, 3.30581e-19], ...BOB);
  const { y, z } = jfa.enroll(enrolment());
  expectClose(y, [0.555991469319657, 0.00277365067001], ...BOB);
  expectClose(z, [8.2228e-20, 3.15216909492e-13, -1.48616735364395e-10, 1.0625905e-17, 3.7150503117895e-11, 1.71104e-19], ...BOB);
});
