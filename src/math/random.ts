/**
 * Seeded generator of our own (xoshiro128**), run on the host so that a seeded
 * fit draws the same numbers on every backend.
 */
export class Random {
  private s: Uint32Array;

  constructor(seed: number) {
    // splitmix32 expands the seed into the four words of state.
    this.s = new Uint32Array(4);
    let x = seed >>> 0;
    for (let i = 0; i < 4; i++) {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      this.s[i] = (z ^ (z >>> 16)) >>> 0;
    }
  }

  /** A uniformly distributed 32-bit unsigned integer. */
  nextUint32(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1], 5), 7), 9) >>> 0;
    const t = s[1] << 9;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  }

  /** A double uniformly distributed in [0, 1), with 53 random bits. */
  random(): number {
    const hi = this.nextUint32() >>> 5;
    const lo = this.nextUint32() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** A standard normal draw (Box-Muller, one of the pair). */
  normal(): number {
    const u = 1 - this.random(); // (0, 1]
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.random());
  }

  /** An integer uniformly distributed in [0, n). */
  integer(n: number): number {
    return Math.floor(this.random() * n);
  }

  /** k distinct integers from [0, n), in the order drawn (Floyd's algorithm, then shuffled). */
  sampleWithoutReplacement(n: number, k: number): number[] {
    const chosen = new Set<number>();
    for (let j = n - k; j < n; j++) {
      const t = this.integer(j + 1);
      chosen.add(chosen.has(t) ? j : t);
    }
    const out = [...chosen];
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.integer(i + 1);
      [out[i], out[j]] = [out[j], out[i]];
    }
    return out;
  }

  /** An index drawn with probability proportional to weights (non-negative, not all zero). */
  weightedIndex(weights: ArrayLike<number>): number {
    let total = 0;
    for (let i = 0; i < weights.length; i++) total += weights[i];
    let u = this.random() * total;
    for (let i = 0; i < weights.length; i++) {
      u -= weights[i];
      if (u < 0 && weights[i] > 0) return i;
    }
    for (let i = weights.length - 1; i >= 0; i--) if (weights[i] > 0) return i;
    return weights.length - 1;
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
