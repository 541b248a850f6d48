/**
 * The fused kernels (kernels/) against the plain TF.js path on the jest project's
 * backend: cpu and wasm run the host wasm SIMD kernels (e-step and log-likelihood),
 * webgpu the WGSL responsibilities kernel (webgl: see browser.test.ts).
 */
import * as tf from '@tensorflow/tfjs-core';
import { E_STEP, registerFusedKernels, setHostThreads } from '../../kernels/register.js';
import { EStepMode, eStepChunkFor, fusedKernelFor, logLikelihoodChunkFor } from '../../src/math/gmm/eStepKernels.js';
import { RTOL, SHAPES, bothPaths, mismatch, problem } from './fusedCases.js';

registerFusedKernels();

describe('fused e-step kernels', () => {
  test('a kernel serves this backend', () => {
    expect(fusedKernelFor(tf.getBackend())).not.toBeNull();
    expect(fusedKernelFor('no-such-backend')).toBeNull();
  });

  test.each(SHAPES)('n=%i D=%i K=%i: packed statistics match the plain path', async (n, d, k) => {
    const { fused, plain } = await bothPaths(problem(n, d, k, n + d + k));
    expect(mismatch(fused, plain, d, k)).toBeNull();
  });

  test('a zero-weight Gaussian gets exactly zero responsibility', async () => {
    const p = problem(500, 5, 3, 7, [0.5, 0.5, 0]);
    const { fused, plain } = await bothPaths(p);
    expect(fused[2 * 5 * 3 + 2]).toBe(0);
    expect(mismatch(fused, plain, 5, 3)).toBeNull();
  });

  test('rows with no finite log-likelihood: -Inf, zero statistics, no NaN', async () => {
    const { fused } = await bothPaths(problem(300, 4, 9, 3, Array(9).fill(0)));
    expect(fused[fused.length - 1]).toBe(-Infinity);
    expect(Array.from(fused.subarray(0, fused.length - 1)).every((v) => v === 0)).toBe(true);
  });

  test('no tensor is left behind', async () => {
    const p = problem(100, 6, 10, 11);
    await bothPaths(p); // compiles whatever the backend compiles once
    const before = tf.memory().numTensors;
    await bothPaths(p);
    expect(tf.memory().numTensors).toBe(before);
  });

  test("'auto' runs the host kernel where registered (cpu, wasm), the plain ops elsewhere", async () => {
    const p = problem(257, 9, 17, 5);
    const y = tf.tensor2d(p.y, [p.n, p.d]);
    const g = { form: 'gemm' as const, weights: tf.tensor2d(p.weights, [2 * p.d, p.k]), bias: tf.tensor1d(p.bias) };
    const outputs = (['auto', 'fused', 'plain'] as EStepMode[]).map((mode) => eStepChunkFor(mode)(y, g));
    const [auto, fused, plain] = await Promise.all(outputs.map((t) => t.data()));
    const expected = fusedKernelFor(tf.getBackend()) === E_STEP ? fused : plain;
    expect(Array.from(auto)).toEqual(Array.from(expected));
    tf.dispose([y, g.weights, g.bias, ...outputs]);
  });
});

test("the direct form runs the plain ops under 'auto' and is refused under 'fused'", async () => {
  const y = tf.tensor2d([0.5, -1, 2, 0.25], [2, 2]);
  const g = { form: 'direct' as const, weights: tf.tensor2d([0, 0, 1, 1, 0.5, 0.5, 0.5, 0.5], [4, 2]), bias: tf.tensor1d([-2, -2.5]) };
  const auto = eStepChunkFor('auto')(y, g);
  const plain = eStepChunkFor('plain')(y, g);
  expect(Array.from(await auto.data())).toEqual(Array.from(await plain.data()));
  expect(() => eStepChunkFor('fused')(y, g)).toThrow(/GEMM form/);
  expect(() => logLikelihoodChunkFor('fused')(y, g)).toThrow(/GEMM form/);
  tf.dispose([y, g.weights, g.bias, auto, plain]);
});

// The host kernels serve cpu and wasm only: on other backends these suites have no subject.
const hostBackend = ['cpu', 'wasm'].includes(tf.getBackend());
if (hostBackend) describe('host log-likelihood kernel', () => {
  test.each(SHAPES)('n=%i D=%i K=%i: log p per row matches the plain path', async (n, d, k) => {
    const { fused, plain } = await bothPaths(problem(n, d, k, n + d + k), 'logLikelihood');
    expect(fused.length).toBe(n);
    for (let i = 0; i < n; i++) expect(Math.abs(fused[i] - plain[i])).toBeLessThanOrEqual(RTOL * Math.abs(plain[i]) + 1e-6);
  });

  test('rows with no finite log-likelihood give -Inf', async () => {
    const { fused } = await bothPaths(problem(300, 4, 9, 3, Array(9).fill(0)), 'logLikelihood');
    expect(Array.from(fused).every((v) => v === -Infinity)).toBe(true);
  });
});

if (hostBackend) describe('host kernel threads', () => {
  afterAll(() => setHostThreads(null));

  test('one thread and three threads give the same statistics', async () => {
    const p = problem(4000, 30, 40, 13);
    setHostThreads(1);
    const one = (await bothPaths(p)).fused;
    setHostThreads(3);
    const three = (await bothPaths(p)).fused;
    expect(mismatch(three, one, 30, 40)).toBeNull();
  });
});
