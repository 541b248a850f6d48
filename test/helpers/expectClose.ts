/**
 * Element-wise |actual - expected| <= atol + rtol |expected|, failing with the
 * worst element, its index and the tolerances.
 */
export function expectClose(
  actual: ArrayLike<number> | number,
  expected: ArrayLike<number> | number,
  rtol: number,
  atol = 0,
): void {
  const a = typeof actual === 'number' ? [actual] : Array.from(actual);
  const e = typeof expected === 'number' ? [expected] : Array.from(expected);
  if (a.length !== e.length) throw new Error(`length ${a.length} != expected ${e.length}`);
  let worst = -1;
  let worstExcess = 0;
  for (let i = 0; i < a.length; i++) {
    const allowed = atol + rtol * Math.abs(e[i]);
    const err = Math.abs(a[i] - e[i]);
    if (!(err <= allowed) && (worst < 0 || err - allowed > worstExcess)) {
      worst = i;
      worstExcess = err - allowed;
    }
  }
  if (worst >= 0) {
    throw new Error(
      `element ${worst}: got ${a[worst]}, expected ${e[worst]} (|diff| ${Math.abs(a[worst] - e[worst])} > atol ${atol} + rtol ${rtol} * |expected|)`,
    );
  }
}

/** The largest relative difference, for reporting. */
export function maxRelativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < expected.length; i++) m = Math.max(m, Math.abs(actual[i] - expected[i]) / Math.abs(expected[i]));
  return m;
}
