/**
 * The host kernels' builds as test suites: `body` runs inside a describe block for each build
 * (relaxed SIMD's multiply-add, and mul then add) and each thread count (1 and 3), the
 * defaults restored after.
 */
import { setFlagsFromString } from 'node:v8';
import { setHostRelaxedSimd, setHostThreads } from '../../kernels/host/hostEngine.js';

export function describeHostBuilds(name: string, body: (relaxed: boolean, threads: number) => void): void {
  // Node 20 validates relaxed SIMD only behind this flag; later versions by default.
  setFlagsFromString('--experimental-wasm-relaxed-simd');
  describe.each([
    ['relaxed madd', true],
    ['mul then add', false],
  ])(`${name}, %s`, (_, relaxed) => {
    beforeAll(() => setHostRelaxedSimd(relaxed));
    afterAll(() => {
      setHostRelaxedSimd(true);
      setHostThreads(null);
    });

    describe.each([1, 3])('%i thread(s)', (threads) => {
      beforeAll(() => setHostThreads(threads));
      body(relaxed, threads);
    });
  });
}
