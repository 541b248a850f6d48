import type { Random } from '../../src/math/random.js';

/** g g^T + shift I, [d, d], g standard normal from rng: symmetric positive definite for shift > 0. */
export function spd(rng: Random, d: number, shift: number): Float64Array {
  const g = Float64Array.from({ length: d * d }, () => rng.normal());
  const a = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) for (let k = 0; k < d; k++) a[i * d + j] += g[i * d + k] * g[j * d + k];
  for (let i = 0; i < d; i++) a[i * d + i] += shift;
  return a;
}
