import { Random } from '../../src/math/random.js';

/** A standard normal draw (Box-Muller) from the library's seeded generator. */
export function gaussian(rng: Random): number {
  const u = 1 - rng.random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.random());
}

/** n samples around each centre, with the given standard deviation per feature. */
export function clusters(centres: number[][], n: number, std: number, seed: number): number[][] {
  const rng = new Random(seed);
  const out: number[][] = [];
  for (const c of centres) for (let i = 0; i < n; i++) out.push(c.map((m) => m + std * gaussian(rng)));
  return out;
}
