/**
 * Dense float64 linear algebra on the host for the covariance m-steps and the device's
 * whitening factors: square matrices [D, D] row-major, stacks of them [K, D, D].
 */

/**
 * The lower Cholesky factor L of a symmetric matrix (L L^T = a), or the index of the first
 * pivot that is not positive (the matrix is not positive definite) as a negative number - 1.
 */
export function cholesky(a: Float64Array, d: number, offset = 0): Float64Array | number {
  const l = new Float64Array(d * d);
  for (let j = 0; j < d; j++) {
    let s = a[offset + j * d + j];
    for (let m = 0; m < j; m++) s -= l[j * d + m] * l[j * d + m];
    if (!(s > 0) || !Number.isFinite(s)) return -j - 1;
    const pivot = Math.sqrt(s);
    l[j * d + j] = pivot;
    for (let i = j + 1; i < d; i++) {
      let t = a[offset + i * d + j];
      for (let m = 0; m < j; m++) t -= l[i * d + m] * l[j * d + m];
      l[i * d + j] = t / pivot;
    }
  }
  return l;
}

/** The inverse of a lower-triangular matrix (itself lower-triangular), by forward substitution. */
export function invertLower(l: ArrayLike<number>, d: number, offset = 0): Float64Array {
  const p = new Float64Array(d * d);
  for (let c = 0; c < d; c++) {
    p[c * d + c] = 1 / l[offset + c * d + c];
    for (let i = c + 1; i < d; i++) {
      let s = 0;
      for (let m = c; m < i; m++) s -= l[offset + i * d + m] * p[m * d + c];
      p[i * d + c] = s / l[offset + i * d + i];
    }
  }
  return p;
}

/** sum_j log l_jj: half the log-determinant of l l^T. */
export function logDiagonal(l: ArrayLike<number>, d: number, offset = 0): number {
  let s = 0;
  for (let j = 0; j < d; j++) s += Math.log(l[offset + j * d + j]);
  return s;
}

/** a x for a lower-triangular a [D, D] and x [D] (x read from xOffset). */
export function lowerTimesVector(a: ArrayLike<number>, x: ArrayLike<number>, d: number, aOffset = 0, xOffset = 0): Float64Array {
  const out = new Float64Array(d);
  for (let i = 0; i < d; i++) {
    let s = 0;
    for (let m = 0; m <= i; m++) s += a[aOffset + i * d + m] * x[xOffset + m];
    out[i] = s;
  }
  return out;
}

/** a s a^T for a lower-triangular a and a symmetric s, [D, D]: the covariance s maps to under x -> a x. */
export function congruence(a: ArrayLike<number>, s: ArrayLike<number>, d: number, aOffset = 0, sOffset = 0): Float64Array {
  // t = a s (a lower: row i of a has i + 1 terms), then out = t a^T, mirrored.
  const t = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) {
      let v = 0;
      for (let m = 0; m <= i; m++) v += a[aOffset + i * d + m] * s[sOffset + m * d + j];
      t[i * d + j] = v;
    }
  }
  const out = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      let v = 0;
      for (let m = 0; m <= j; m++) v += t[i * d + m] * a[aOffset + j * d + m];
      out[i * d + j] = v;
      out[j * d + i] = v;
    }
  }
  return out;
}

/** (a + a^T) / 2 in place: float32 sums are symmetric only up to rounding. */
export function symmetrize(a: Float64Array, d: number, offset = 0): void {
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < i; j++) {
      const v = 0.5 * (a[offset + i * d + j] + a[offset + j * d + i]);
      a[offset + i * d + j] = v;
      a[offset + j * d + i] = v;
    }
  }
}

/**
 * Eigen-decomposition of a symmetric matrix (a is symmetrized first) by cyclic Jacobi
 * rotations: a = V diag(values) V^T, the eigenvectors V's columns, [D, D] row-major.
 */
export function symmetricEigen(a: Float64Array, d: number): { values: Float64Array; vectors: Float64Array } {
  const s = a.slice(0, d * d);
  symmetrize(s, d);
  const v = new Float64Array(d * d);
  for (let i = 0; i < d; i++) v[i * d + i] = 1;
  const rotate = (m: Float64Array, i: number, j: number, c: number, t: number) => {
    const [x, y] = [m[i], m[j]];
    m[i] = c * x - t * y;
    m[j] = t * x + c * y;
  };
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    let diagonal = 0;
    for (let p = 0; p < d; p++) {
      diagonal += s[p * d + p] ** 2;
      for (let q = p + 1; q < d; q++) off += s[p * d + q] ** 2;
    }
    if (!(off > 1e-30 * diagonal)) break;
    for (let p = 0; p < d; p++) {
      for (let q = p + 1; q < d; q++) {
        const apq = s[p * d + q];
        if (apq === 0) continue;
        const theta = (s[q * d + q] - s[p * d + p]) / (2 * apq);
        const t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const sn = t * c;
        // s <- J^T s J and v <- v J, J the rotation in the (p, q) plane that zeroes s_pq.
        for (let k = 0; k < d; k++) rotate(s, k * d + p, k * d + q, c, sn);
        for (let k = 0; k < d; k++) rotate(s, p * d + k, q * d + k, c, sn);
        for (let k = 0; k < d; k++) rotate(v, k * d + p, k * d + q, c, sn);
      }
    }
  }
  return { values: Float64Array.from({ length: d }, (_, m) => s[m * d + m]), vectors: v };
}

/** V diag(f(values)) V^T of a symmetric matrix's eigen-decomposition. */
function spectralMap(a: Float64Array, d: number, f: (lambda: number, largest: number) => number): Float64Array {
  const { values, vectors: v } = symmetricEigen(a, d);
  const largest = Math.max(...Array.from(values, Math.abs));
  const out = new Float64Array(d * d);
  for (let m = 0; m < d; m++) {
    const lambda = f(values[m], largest);
    if (lambda === 0) continue;
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) out[i * d + j] += lambda * v[i * d + m] * v[j * d + m];
  }
  symmetrize(out, d);
  return out;
}

/**
 * The nearest positive semidefinite matrix to a symmetric a (Frobenius): a's eigenvalues below 0
 * set to 0. For scatter matrices, which are semidefinite by construction and indefinite only by round-off.
 */
export function clipNegativeEigenvalues(a: Float64Array, d: number): Float64Array {
  return spectralMap(a, d, (lambda) => Math.max(0, lambda));
}

/** The Moore-Penrose pseudo-inverse of a symmetric matrix (eigenvalues within D eps of the largest count as 0, as scipy's pinv). */
export function symmetricPseudoInverse(a: Float64Array, d: number): Float64Array {
  return spectralMap(a, d, (lambda, largest) => (Math.abs(lambda) > d * Number.EPSILON * largest ? 1 / lambda : 0));
}

/** The inverse of a symmetric positive definite matrix by its Cholesky factor, or null where it is not positive definite. */
export function inverseSpd(a: Float64Array, d: number): Float64Array | null {
  const l = cholesky(a, d);
  if (typeof l === 'number') return null;
  const p = invertLower(l, d); // a^-1 = P^T P
  const out = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      let v = 0;
      for (let m = i; m < d; m++) v += p[m * d + i] * p[m * d + j];
      out[i * d + j] = v;
      out[j * d + i] = v;
    }
  }
  return out;
}

/**
 * x with a x = b for a [D, D] and b [D, m] (row-major), by Gaussian elimination with partial
 * pivoting (as numpy's solve); null where a is singular.
 */
export function solve(a: Float64Array, b: Float64Array, d: number, m: number): Float64Array | null {
  const lu = a.slice(0, d * d);
  const x = b.slice(0, d * m);
  for (let col = 0; col < d; col++) {
    let pivot = col;
    for (let r = col + 1; r < d; r++) if (Math.abs(lu[r * d + col]) > Math.abs(lu[pivot * d + col])) pivot = r;
    if (!(Math.abs(lu[pivot * d + col]) > 0)) return null;
    if (pivot !== col) {
      for (let k = 0; k < d; k++) [lu[col * d + k], lu[pivot * d + k]] = [lu[pivot * d + k], lu[col * d + k]];
      for (let k = 0; k < m; k++) [x[col * m + k], x[pivot * m + k]] = [x[pivot * m + k], x[col * m + k]];
    }
    for (let r = col + 1; r < d; r++) {
      const f = lu[r * d + col] / lu[col * d + col];
      if (f === 0) continue;
      for (let k = col; k < d; k++) lu[r * d + k] -= f * lu[col * d + k];
      for (let k = 0; k < m; k++) x[r * m + k] -= f * x[col * m + k];
    }
  }
  for (let r = d - 1; r >= 0; r--) {
    for (let k = 0; k < m; k++) {
      let s = x[r * m + k];
      for (let c = r + 1; c < d; c++) s -= lu[r * d + c] * x[c * m + k];
      x[r * m + k] = s / lu[r * d + r];
    }
  }
  return x;
}

/**
 * x with a x = b for a symmetric positive definite [D, D] and b [D, m] (row-major), by its
 * Cholesky factor (half the work of solve); by solve where a is not positive definite (null
 * where it is singular).
 */
export function solveSpd(a: Float64Array, b: Float64Array, d: number, m: number): Float64Array | null {
  const l = cholesky(a, d);
  if (typeof l === 'number') return solve(a, b, d, m);
  const x = b.slice(0, d * m);
  for (let i = 0; i < d; i++) {
    // L y = b: rows of x hold y as they are found
    for (let k = 0; k < i; k++) {
      const f = l[i * d + k];
      if (f !== 0) for (let j = 0, at = i * m, from = k * m; j < m; j++) x[at + j] -= f * x[from + j];
    }
    const inv = 1 / l[i * d + i];
    for (let j = 0, at = i * m; j < m; j++) x[at + j] *= inv;
  }
  for (let i = d - 1; i >= 0; i--) {
    // L^T x = y
    for (let k = i + 1; k < d; k++) {
      const f = l[k * d + i];
      if (f !== 0) for (let j = 0, at = i * m, from = k * m; j < m; j++) x[at + j] -= f * x[from + j];
    }
    const inv = 1 / l[i * d + i];
    for (let j = 0, at = i * m; j < m; j++) x[at + j] *= inv;
  }
  return x;
}
