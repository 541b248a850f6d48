/** Shared by the hardening tests: error expectations, scratch folders and small data sets. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TfjsEmError, type ErrorCode } from '../../src/errors.js';
import { GMMMachine, type GMMMachineOptions } from '../../src/machines/GMMMachine.js';
import { Random } from '../../src/math/random.js';
import { gaussian } from '../helpers/synthetic.js';

/** The backend of the running jest project (see jest.config.js). */
export const BACKEND = (globalThis as { TFJS_EM_TEST_BACKEND?: string }).TFJS_EM_TEST_BACKEND ?? 'cpu';

/** The TfjsEmError that `action` throws or rejects with; fails the test on anything else, or on success. */
export async function emErrorOf(action: () => unknown): Promise<TfjsEmError> {
  let outcome: unknown;
  try {
    await action();
    outcome = 'no error';
  } catch (error) {
    if (error instanceof TfjsEmError) return error;
    outcome = error;
  }
  throw new Error(`expected a TfjsEmError, got ${outcome instanceof Error ? `${outcome.name}: ${outcome.message}` : String(outcome)}`);
}

/** Expects a TfjsEmError with `code` whose message contains every one of `parts`, in order. */
export async function expectEmError(action: () => unknown, code: ErrorCode, ...parts: string[]): Promise<TfjsEmError> {
  const error = await emErrorOf(action);
  expect({ code: error.code, message: error.message }).toEqual({
    code,
    message: expect.stringMatching(new RegExp(parts.map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('[^]*'))),
  });
  return error;
}

export function scratchDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'tfjs-em-hardening-'));
}

/** n samples per centre, N(centre, std^2 I), as a flat float64 matrix. */
export function blobs(centres: number[][], n: number, std: number, seed: number): { data: Float64Array; shape: [number, number] } {
  const rng = new Random(seed);
  const d = centres[0].length;
  const data = new Float64Array(centres.length * n * d);
  let o = 0;
  for (const c of centres) for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) data[o++] = c[j] + std * gaussian(rng);
  return { data, shape: [centres.length * n, d] };
}

/** An ML machine that updates means, variances and weights. */
export function mlMachine(k: number, options: GMMMachineOptions = {}): GMMMachine {
  return new GMMMachine(k, { updateMeans: true, updateVariances: true, updateWeights: true, ...options });
}

/** A machine from given parameters (rows). */
export function givenMachine(means: number[][], variances: number[][], options: GMMMachineOptions = {}): GMMMachine {
  const m = mlMachine(means.length, options);
  m.means = means;
  m.variances = variances;
  return m;
}
