/**
 * The e-steps of ISV and JFA training and their enrolment (bob's ISVMachine.e_step and
 * enroll; JFAMachine.e_step_v, finalize_v, e_step_u, finalize_u, e_step_d and enroll), each
 * over a list of speakers, returning sums that add across shards of speakers.
 */
import { precisionTerms } from '../ivector.js';
import { type DiagonalAccumulators, type SubspaceAccumulators, addToDiagonal, addToSubspace, completeSubspace, emptyDiagonal, emptySubspace } from './accumulators.js';
import { type Latent, latentXs, latentY, latentZ, speakerOffset } from './latent.js';
import { hostProducts } from './batched.js';
import { type FactorModel, type Speaker, subtractWeighted } from './model.js';

/** U_c^T Sigma_c^-1 U_c per Gaussian, [C, rU, rU]. */
export function uTermsOf(m: FactorModel): Float64Array {
  return m.termsOf?.(m.u, m.rU) ?? precisionTerms(m.u, m.sigma, { c: m.c, d: m.d, r: m.rU });
}

/** V_c^T Sigma_c^-1 V_c per Gaussian, [C, rV, rV]. */
export function vTermsOf(m: FactorModel): Float64Array {
  return m.termsOf?.(m.v!, m.rV) ?? precisionTerms(m.v!, m.sigma, { c: m.c, d: m.d, r: m.rV });
}

/** The x of every session of a speaker, its sessions offset by V y + D z. */
function sessionsX(m: FactorModel, uTerms: Float64Array, speaker: Speaker, y: Float64Array | null, z: Float64Array | null): Latent[] {
  const offset = y === null && z === null ? null : speakerOffset(m, y, z);
  return latentXs(m, uTerms, speaker.sessions, speaker.sessions.map(() => offset));
}

/** Sessions handled together across speakers (whole speakers, about this many sessions): wider products, bounded memory. */
const SESSION_BATCH = 128;

/** The speakers in runs of whole speakers holding about SESSION_BATCH sessions each. */
function speakerChunks(speakers: Speaker[]): Speaker[][] {
  const chunks: Speaker[][] = [];
  let count = SESSION_BATCH;
  for (const speaker of speakers) {
    if (count + speaker.sessions.length > SESSION_BATCH && count > 0) {
      chunks.push([]);
      count = 0;
    }
    chunks[chunks.length - 1].push(speaker);
    count += speaker.sessions.length;
  }
  return chunks;
}

/** ISV: x of each session (z = 0), then each speaker's z; U's sums with residuals against that z. */
export function isvEStep(m: FactorModel, speakers: Speaker[]): SubspaceAccumulators {
  const uTerms = uTermsOf(m);
  const products = m.products ?? hostProducts;
  const acc = emptySubspace(m.c, m.d, m.rU);
  for (const chunk of speakerChunks(speakers)) {
    const sessions = chunk.flatMap((s) => s.sessions);
    const xs = latentXs(m, uTerms, sessions, sessions.map(() => null));
    const uxs = products.timesEach(m.u, xs.map((x) => x.mean), m.rU);
    let at = 0;
    for (const speaker of chunk) {
      const own = at;
      at += speaker.sessions.length;
      const z = latentZ(m, speaker, xs.slice(own, at).map((x) => x.mean), null, uxs.slice(own, at)).mean;
      const dz = speakerOffset(m, null, z);
      for (let h = own; h < at; h++) xs[h] = { ...xs[h], residual: subtractWeighted(sessions[h].f.slice(), sessions[h].n, dz, m.d) };
    }
    addToSubspace(acc, sessions.map((s) => s.n), xs, m.rU, m.products);
  }
  return completeSubspace(acc, m.rU);
}

/** JFA, V's step: y of each speaker with x = z = 0, and V's sums. */
export function jfaVStep(m: FactorModel, speakers: Speaker[]): SubspaceAccumulators {
  const vTerms = vTermsOf(m);
  const acc = emptySubspace(m.c, m.d, m.rV);
  addToSubspace(acc, speakers.map((s) => s.n), speakers.map((s) => latentY(m, vTerms, s, null, null)), m.rV, m.products);
  return completeSubspace(acc, m.rV);
}

/** JFA: each speaker's y once V is trained (x = z = 0). */
export function jfaSpeakerY(m: FactorModel, speakers: Speaker[]): Float64Array[] {
  const vTerms = vTermsOf(m);
  return speakers.map((s) => latentY(m, vTerms, s, null, null).mean);
}

/** JFA, U's step: x of each session given its speaker's y (z = 0), and U's sums. */
export function jfaUStep(m: FactorModel, speakers: Speaker[], ys: Float64Array[]): SubspaceAccumulators {
  const uTerms = uTermsOf(m);
  const acc = emptySubspace(m.c, m.d, m.rU);
  const yOf = new Map(speakers.map((s, i) => [s, ys[i]]));
  for (const chunk of speakerChunks(speakers)) {
    const sessions = chunk.flatMap((s) => s.sessions);
    const offsets = chunk.flatMap((s) => {
      const offset = speakerOffset(m, yOf.get(s)!, null);
      return s.sessions.map(() => offset);
    });
    addToSubspace(acc, sessions.map((s) => s.n), latentXs(m, uTerms, sessions, offsets), m.rU, m.products);
  }
  return completeSubspace(acc, m.rU);
}

/** JFA: every session's x once U is trained, per speaker. */
export function jfaSessionX(m: FactorModel, speakers: Speaker[], ys: Float64Array[]): Float64Array[][] {
  const uTerms = uTermsOf(m);
  return speakers.map((speaker, i) => sessionsX(m, uTerms, speaker, ys[i], null).map((x) => x.mean));
}

/** JFA, D's step: z of each speaker given its x and y, and D's sums. */
export function jfaDStep(m: FactorModel, speakers: Speaker[], xs: Float64Array[][], ys: Float64Array[]): DiagonalAccumulators {
  const acc = emptyDiagonal(m.c, m.d);
  speakers.forEach((speaker, i) => addToDiagonal(acc, speaker.n, latentZ(m, speaker, xs[i], ys[i]), m.d));
  return acc;
}

/** ISV enrolment: `iterations` rounds of x (given z) then z, from z = 0; returns z [C*D]. */
export function isvEnroll(m: FactorModel, speaker: Speaker, iterations: number): Float64Array {
  const uTerms = uTermsOf(m);
  let z: Float64Array = new Float64Array(m.c * m.d);
  for (let k = 0; k < iterations; k++) {
    const xs = sessionsX(m, uTerms, speaker, null, z).map((x) => x.mean);
    z = latentZ(m, speaker, xs, null).mean;
  }
  return z;
}

/** JFA enrolment: `iterations` rounds of y, x, z, from zero; returns y [rV] and z [C*D]. */
export function jfaEnroll(m: FactorModel, speaker: Speaker, iterations: number): { y: Float64Array; z: Float64Array } {
  const [uTerms, vTerms] = [uTermsOf(m), vTermsOf(m)];
  let xs: Float64Array[] | null = null;
  let y: Float64Array = new Float64Array(m.rV);
  let z: Float64Array = new Float64Array(m.c * m.d);
  for (let k = 0; k < iterations; k++) {
    y = latentY(m, vTerms, speaker, xs, z).mean;
    xs = sessionsX(m, uTerms, speaker, y, z).map((x) => x.mean);
    z = latentZ(m, speaker, xs, y).mean;
  }
  return { y, z };
}

/** A probe's x (bob's estimate_x): its sessions summed, no speaker offset. */
export function probeX(m: FactorModel, probe: Speaker): Float64Array {
  return latentXs(m, uTermsOf(m), [probe], [null])[0].mean;
}
