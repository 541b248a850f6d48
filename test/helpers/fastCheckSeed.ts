/**
 * The seed of the fast-check suites: FC_SEED when given; under CI=true a fixed one, so that CI
 * runs the same cases every time; elsewhere a new one each run, to explore. It is printed, and
 * fast-check names it again in any failure, so a failing run replays with FC_SEED=<seed>.
 */
const CI = /^(1|true|yes)$/i.test(process.env.CI ?? '');
const CI_SEED = 20261201;

function chooseSeed(): number {
  if (process.env.FC_SEED !== undefined) {
    const seed = Number(process.env.FC_SEED);
    if (!Number.isSafeInteger(seed)) throw new Error(`FC_SEED must be an integer; got ${process.env.FC_SEED}`);
    return seed;
  }
  return CI ? CI_SEED : (Date.now() ^ Math.floor(Math.random() * 2 ** 31)) | 0;
}

export const FC_SEED = chooseSeed();

/** fast-check parameters with the seed and `numRuns` cases; prints the seed once per file. */
export function fcRun(numRuns: number): { seed: number; numRuns: number } {
  return { seed: FC_SEED, numRuns };
}

console.log(`fast-check seed ${FC_SEED}${CI && process.env.FC_SEED === undefined ? ' (fixed under CI)' : ''} (replay: FC_SEED=${FC_SEED})`);
