/**
 * The host kernels' builds as test suites: `body` runs inside a describe block for each build
 * (relaxed SIMD's multiply-add, and mul then add) and each thread count (1 and 3), the
 * defaults restored after: threads, and the engine's relaxed SIMD as it was (Node 20 validates
 * it only behind a flag, set for the suite and cleared after, so that later suites in the same
 * process compute as a fresh process does).
 */
import { setFlagsFromString } from 'node:v8';
import { hostKernelInfo, setHostRelaxedSimd, setHostThreads } from '../../kernels/host/hostEngine.js';

export function describeHostBuilds(name: string, body: (relaxed: boolean, threads: number) => void): void {
  let flagged = false;
  beforeAll(() => {
    setHostRelaxedSimd(true);
    flagged = !hostKernelInfo().fma;
    if (flagged) setFlagsFromString('--experimental-wasm-relaxed-simd');
  });
  afterAll(() => {
    if (flagged) setFlagsFromString('--no-experimental-wasm-relaxed-simd');
    setHostRelaxedSimd(true);
    setHostThreads(null);
  });

  describe.each([
    ['relaxed madd', true],
    ['mul then add', false],
  ])(`${name}, %s`, (_, relaxed) => {
    beforeAll(() => setHostRelaxedSimd(relaxed));

    describe.each([1, 3])('%i thread(s)', (threads) => {
      beforeAll(() => setHostThreads(threads));
      body(relaxed, threads);
    });
  });
}
