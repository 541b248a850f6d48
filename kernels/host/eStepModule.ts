import { F64, FunctionBuilder, I32, Local, V128, buildModule } from './wasmEmitter.js';

/** Rows per block: the block's [rows, Kp] responsibilities stay in cache between the passes. */
export const BLOCK_ROWS = 64;
/** Gaussians per SIMD tile (two f32x4 vectors): Kp is K padded to a multiple of this. */
export const K_TILE = 8;

/** Bytes of scratch the function needs for a given kp. */
export const scratchBytes = (kp: number) => 4 * BLOCK_ROWS * kp + 16 * BLOCK_ROWS;

/** Cephes expf: exp(x) = 2^n p(r), r = x - n ln 2 (ln 2 split in two), |r| <= ln(2) / 2. */
const EXP_LOW = -87.33654;
const LN2_HI = 0.693359375;
const LN2_LO = -2.12194440e-4;
const EXP_POLY = [1.9875691500e-4, 1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2, 1.6666665459e-1, 5.0000001201e-1];

/**
 * The host kernels as one module exporting two functions (all i32 arguments;
 * pointers in bytes), over `rows` centred samples y [rows, d] (up to 3 rows past
 * the end are read and ignored) and Gaussians given as nu, h [d, kp] and c [kp] with
 *   log(w_k N(y | mu_k, var_k)) = c_k - sum_j (y_j - nu_jk)^2 h_jk,  h = 1 / (2 var):
 * direct differences rather than the GEMM form, the same number of SIMD
 * operations and no cancellation.
 *
 *   estep(y, rows, d, kp, nu, h, c, scratch, out) adds to out, laid out as
 *     [ sum r y (d x kp) | sum r y^2 (d x kp) | sum r (kp) ] f32, then sum log p f64;
 *   loglik(y, rows, d, kp, nu, h, c, scratch, out) writes log p(y_i) to out [rows] f32.
 *
 * Both use scratch (scratchBytes(kp)): [BLOCK_ROWS, kp] f32 for log-likelihoods
 * (then responsibilities), followed by [BLOCK_ROWS, 4] f32 of running row maxima.
 */
export function eStepModule(shared: boolean, fma: boolean): Uint8Array<ArrayBuffer> {
  return buildModule(
    [{ module: 'env', name: 'log', params: [F64], results: [F64] }],
    [
      { name: 'estep', fn: kernel('estep', fma) },
      { name: 'loglik', fn: kernel('loglik', fma) },
    ],
    { shared, maxPages: 65536 },
  );
}

function kernel(kind: 'estep' | 'loglik', fma: boolean): FunctionBuilder {
  const f = new FunctionBuilder(Array(9).fill(I32), []);
  /** a * b + c with each operand pushed by a callback: one relaxed_madd where available. */
  const madd = (a: () => void, b: () => void, c: () => void) => {
    a();
    b();
    if (fma) {
      c();
      f.f32x4RelaxedMadd();
    } else {
      f.f32x4Mul();
      c();
      f.f32x4Add();
    }
  };
  const [y, rows, d, kp, nu, h, c, scratch, out] = Array.from({ length: 9 }, (_, i) => f.param(i));
  const i32 = () => f.local(I32);
  const v = () => f.local(V128);
  const l = {
    dBytes: i32(), kpBytes: i32(), s2: i32(), nOut: i32(), r0: i32(), nb: i32(), yBlock: i32(),
    kb: i32(), rq: i32(), b: i32(), j: i32(), p: i32(), q: i32(), py: i32(), pl: i32(), end: i32(),
    dPairs: i32(), dBy2: i32(), dBy3: i32(), maxima: i32(), pm: i32(),
  };
  const ll = f.local(F64);
  const max = f.local(F64);
  const sum = f.local(F64);
  const acc = Array.from({ length: 8 }, v);
  const [p0, p1, h0, h1, ys, t, m, s] = Array.from({ length: 8 }, v);
  // exp's constants, splatted once: V8 does not hoist them out of the loops.
  const constant = (value: number) => {
    const local = v();
    f.f32x4(value).set(local);
    return local;
  };
  const low = constant(EXP_LOW);
  const log2e = constant(Math.LOG2E);
  const ln2Hi = constant(LN2_HI);
  const ln2Lo = constant(LN2_LO);
  const poly = EXP_POLY.map(constant);
  const one = constant(1);
  const bias127 = v();
  f.i32(127).i32x4Splat().set(bias127);
  const negInf = constant(-Infinity);

  f.get(d).i32(4).i32Mul().set(l.dBytes);
  f.get(kp).i32(4).i32Mul().set(l.kpBytes);
  f.get(l.dBytes).i32(2).i32Mul().set(l.dBy2);
  f.get(l.dBytes).i32(3).i32Mul().set(l.dBy3);
  f.get(out).get(d).get(l.kpBytes).i32Mul().i32Add().set(l.s2);
  f.get(l.s2).get(d).get(l.kpBytes).i32Mul().i32Add().set(l.nOut);
  f.get(d).i32(-2).i32And().set(l.dPairs);
  f.get(scratch).i32(BLOCK_ROWS).get(l.kpBytes).i32Mul().i32Add().set(l.maxima);
  f.f64(0).set(ll);

  f.forRange(l.r0, 0, rows, BLOCK_ROWS, () => {
    // nb = min(BLOCK_ROWS, rows - r0)
    f.get(rows).get(l.r0).i32Sub().set(l.nb);
    f.get(l.nb).i32(BLOCK_ROWS).i32GtS().if().i32(BLOCK_ROWS).set(l.nb).end();
    f.get(y).get(l.r0).get(l.dBytes).i32Mul().i32Add().set(l.yBlock);
    f.get(l.maxima).i32(16 * BLOCK_ROWS).i32Add().set(l.end);
    f.forRange(l.pm, l.maxima, l.end, 16, () => f.get(l.pm).get(negInf).v128Store());
    logLikelihoods();
    if (kind === 'estep') {
      responsibilities();
      statistics();
    } else {
      rowLogLikelihoods();
    }
  });
  if (kind === 'estep') f.get(l.nOut).get(l.kpBytes).i32Add().get(ll).f64Store();

  /**
   * scratch[r][k] = c_k - sum_j (y_rj - nu_jk)^2 h_jk, tiles of 4 rows x 8 Gaussians,
   * and the row maxima (four lanes per row).
   */
  function logLikelihoods(): void {
    f.forRange(l.kb, 0, l.kpBytes, K_TILE * 4, () => {
      f.get(l.yBlock).set(l.py);
      f.get(scratch).get(l.kb).i32Add().set(l.pl);
      f.get(l.maxima).set(l.pm);
      f.forRange(l.rq, 0, l.nb, 4, () => {
        for (const a of acc) f.f32x4(0).set(a);
        f.get(nu).get(l.kb).i32Add().set(l.p);
        f.get(h).get(l.kb).i32Add().set(l.q);
        f.get(l.py).set(l.j);
        f.get(l.py).get(l.dBytes).i32Add().set(l.end);
        f.forRange(l.j, l.j, l.end, 4, () => {
          f.get(l.p).v128Load().set(p0).get(l.p).v128Load(16).set(p1);
          f.get(l.q).v128Load().set(h0).get(l.q).v128Load(16).set(h1);
          const rowOffsets = [null, l.dBytes, l.dBy2, l.dBy3];
          rowOffsets.forEach((offset, r) => {
            f.get(l.j);
            if (offset !== null) f.get(offset).i32Add();
            f.load32Splat().set(ys);
            squaredTerm(acc[2 * r], p0, h0);
            squaredTerm(acc[2 * r + 1], p1, h1);
          });
          f.inc(l.p, l.kpBytes).inc(l.q, l.kpBytes);
        });
        for (let r = 0; r < 4; r++) {
          for (let half = 0; half < 2; half++) {
            const value = acc[2 * r + half];
            f.get(c).get(l.kb).i32Add().v128Load(16 * half).get(value).f32x4Sub().set(value);
            f.get(l.pl).get(value).v128Store(16 * half);
          }
          f.get(l.pm).get(l.pm).v128Load(16 * r).get(acc[2 * r]).f32x4Max().get(acc[2 * r + 1]).f32x4Max().v128Store(16 * r);
          f.inc(l.pl, l.kpBytes);
        }
        f.inc(l.pm, 64);
        f.get(l.py).get(l.dBytes).i32(4).i32Mul().i32Add().set(l.py);
      });
    });
  }

  /** a += (ys - p)^2 hh */
  function squaredTerm(a: Local, p: Local, hh: Local): void {
    madd(() => f.get(ys).get(p).f32x4Sub().tee(t).get(hh).f32x4Mul(), () => f.get(t), () => f.get(a));
    f.set(a);
  }

  /** max = the row's largest log-likelihood (f64), from its four running maxima; m = splat(max). */
  function rowMax(): void {
    f.get(l.pm).v128Load().set(m);
    f.inc(l.pm, 16);
    f.get(m).f32x4ExtractLane(0).get(m).f32x4ExtractLane(1).f32Max();
    f.get(m).f32x4ExtractLane(2).get(m).f32x4ExtractLane(3).f32Max().f32Max().f64PromoteF32().set(max);
    f.get(max).f32DemoteF64().f32x4Splat().set(m);
  }

  /** sum = sum_k exp(l_k - max) over the row (f64); with store, exp(l_k - max) replaces l_k. */
  function rowSum(store: boolean): void {
    f.f32x4(0).set(s);
    overRow(() => {
      if (store) f.get(l.p);
      f.get(l.p).v128Load().get(m).f32x4Sub().set(t);
      exp(t);
      f.set(t);
      if (store) f.get(t).v128Store();
      f.get(s).get(t).f32x4Add().set(s);
    });
    f.get(s).f32x4ExtractLane(0).get(s).f32x4ExtractLane(1).f32Add();
    f.get(s).f32x4ExtractLane(2).get(s).f32x4ExtractLane(3).f32Add().f32Add().f64PromoteF32().set(sum);
  }

  /** Per row: logsumexp, log p summed into ll, scratch turned into responsibilities, summed into out. */
  function responsibilities(): void {
    f.get(scratch).set(l.pl);
    f.get(l.maxima).set(l.pm);
    f.forRange(l.b, 0, l.nb, 1, () => {
      f.get(l.pl).get(l.kpBytes).i32Add().set(l.end);
      rowMax();
      // A row with no finite log-likelihood: log p = -Inf, responsibilities 0 (not NaN).
      f.get(max).f64(-Infinity).f64Eq().if();
      overRow(() => f.get(l.p).f32x4(0).v128Store());
      f.get(ll).f64(-Infinity).f64Add().set(ll);
      f.else();
      rowSum(true);
      f.get(ll).get(max).get(sum).call(0).f64Add().f64Add().set(ll);
      f.f64(1).get(sum).f64Div().f32DemoteF64().f32x4Splat().set(s);
      f.get(l.nOut).set(l.q);
      overRow(() => {
        f.get(l.p).get(l.p).v128Load().get(s).f32x4Mul().tee(t).v128Store();
        f.get(l.q).get(l.q).v128Load().get(t).f32x4Add().v128Store();
        f.inc(l.q, 16);
      });
      f.end();
      f.inc(l.pl, l.kpBytes);
    });
  }

  /** Per row: out[r0 + b] = log p = max + log sum_k exp(l_k - max); -Inf when max is. */
  function rowLogLikelihoods(): void {
    f.get(scratch).set(l.pl);
    f.get(l.maxima).set(l.pm);
    f.get(out).get(l.r0).i32(4).i32Mul().i32Add().set(l.q);
    f.forRange(l.b, 0, l.nb, 1, () => {
      f.get(l.pl).get(l.kpBytes).i32Add().set(l.end);
      rowMax();
      f.get(max).f64(-Infinity).f64Eq().if();
      f.get(l.q).f32(-Infinity).f32Store();
      f.else();
      rowSum(false);
      f.get(l.q).get(max).get(sum).call(0).f64Add().f32DemoteF64().f32Store();
      f.end();
      f.inc(l.q, 4).inc(l.pl, l.kpBytes);
    });
  }

  /** for (p = pl; p < end; p += 16) body() */
  function overRow(body: () => void): void {
    f.forRange(l.p, l.pl, l.end, 16, body);
  }

  /**
   * exp(x) for x <= 0 on four lanes (Cephes expf: 2^n times a degree-7
   * polynomial), exactly 0 below -87.3 (and for -Inf). Leaves the result on the stack.
   */
  function exp(x: Local): void {
    const fx = v();
    const r = v();
    f.get(x).get(low).f32x4Max().set(r);
    f.get(r).get(log2e).f32x4Mul().f32x4Nearest().set(fx);
    f.get(r).get(fx).get(ln2Hi).f32x4Mul().f32x4Sub();
    f.get(fx).get(ln2Lo).f32x4Mul().f32x4Sub().set(r);
    madd(() => f.get(r), () => f.get(poly[0]), () => f.get(poly[1]));
    // Horner: the running value is on the stack.
    for (const coef of poly.slice(2)) madd(() => undefined, () => f.get(r), () => f.get(coef));
    f.get(r).get(r).f32x4Mul().f32x4Mul().get(r).f32x4Add().get(one).f32x4Add();
    f.get(fx).i32x4TruncSatF32x4S().get(bias127).i32x4Add().i32(23).i32x4Shl().f32x4Mul();
    f.get(x).get(low).f32x4Ge().v128And();
  }

  /** out += [y, y^2]^T R over the block's rows, tiles of (2 features x 2 moments) x 8 Gaussians. */
  function statistics(): void {
    f.forRange(l.kb, 0, l.kpBytes, K_TILE * 4, () => {
      f.forRange(l.j, 0, l.dPairs, 2, () => featureTile(2));
      f.get(d).get(l.dPairs).i32Sub().if();
      f.get(l.dPairs).set(l.j);
      featureTile(1);
      f.end();
    });
  }

  function featureTile(features: 1 | 2): void {
    const used = acc.slice(0, 4 * features);
    for (const a of used) f.f32x4(0).set(a);
    f.get(scratch).get(l.kb).i32Add().set(l.pl);
    f.get(l.yBlock).get(l.j).i32(4).i32Mul().i32Add().set(l.py);
    f.forRange(l.b, 0, l.nb, 1, () => {
      f.get(l.pl).v128Load().set(p0).get(l.pl).v128Load(16).set(p1);
      for (let u = 0; u < features; u++) {
        f.get(l.py).load32Splat(4 * u).tee(ys).get(ys).f32x4Mul().set(t);
        [ys, ys, t, t].forEach((a, i) => {
          const target = used[4 * u + i];
          madd(() => f.get(i % 2 === 0 ? p0 : p1), () => f.get(a), () => f.get(target));
          f.set(target);
        });
      }
      f.inc(l.pl, l.kpBytes).inc(l.py, l.dBytes);
    });
    // used[4u + {0,1}] -> sum r y of feature j + u; used[4u + {2,3}] -> sum r y^2.
    for (let u = 0; u < features; u++) {
      for (let i = 0; i < 4; i++) {
        const base = i < 2 ? out : l.s2;
        f.get(base).get(l.j).i32(u).i32Add().get(l.kpBytes).i32Mul().i32Add().get(l.kb).i32Add().set(l.q);
        const offset = 16 * (i % 2);
        f.get(l.q).get(l.q).v128Load(offset).get(used[4 * u + i]).f32x4Add().v128Store(offset);
      }
    }
  }

  return f;
}
