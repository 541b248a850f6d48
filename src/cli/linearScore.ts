/**
 * tfjs-em score --linear: linear scoring (bob's linear_scoring) of enrolled models against test
 * statistics files, with Z-, T- or ZT-norm when cohorts are given.
 */
import { writeArrayFile } from '../io/data/write.js';
import type { GMMStats } from '../machines/GMMStats.js';
import type { GMMMachine } from '../machines/GMMMachine.js';
import { ztNorm } from '../math/ztNorm.js';
import { linearScoring } from '../scoring/linearScoring.js';
import type { Args, OptionSpec } from './args.js';
import type { Context } from './command.js';
import { CliError, about } from './errors.js';
import { assertOutputFile, loadGMM } from './files.js';
import { h5Files, loadStatsOf } from './statsFiles.js';
import type { Result } from './format.js';

export const LINEAR_OPTIONS: OptionSpec = {
  linear: 'flag', models: 'values', stats: 'values', 'znorm-stats': 'values', 'tnorm-models': 'values', 'frame-length-normalization': 'flag', out: 'value',
};

export const LINEAR_USAGE = `Linear scoring (--linear): the first-order approximation of each model's log-likelihood ratio
against the UBM on each test's statistics (bob's linear_scoring), one row per (model, test).

  --models M [M...]    enrolled models (MAP-adapted GMM files), or folders of them
  --stats S [S...]     test statistics (tfjs-em stats under the UBM), or folders of them
  --znorm-stats Z...   Z-norm cohort: impostor statistics; each model's scores are normalised
                       by its scores on them
  --tnorm-models T...  T-norm cohort: impostor models; each test's scores are normalised by
                       the cohort's scores on it (with --znorm-stats too: ZT-norm)
  --frame-length-normalization   divide each score by the test's frame count
  --out FILE           also the score matrix [models, tests] (.npy or .csv)`;

export async function scoreLinear(args: Args, context: Context): Promise<Result> {
  const ubmFile = args.string('ubm');
  if (ubmFile === undefined) throw new CliError('--ubm', 'required with --linear: the UBM the models were adapted from');
  const modelFiles = h5Files(args.requiredList('models'));
  const testFiles = h5Files(args.requiredList('stats'));
  const zFiles = h5Files(args.list('znorm-stats') ?? []);
  const tFiles = h5Files(args.list('tnorm-models') ?? []);
  const out = args.string('out');
  if (out !== undefined) assertOutputFile(out, [ubmFile, ...modelFiles, ...testFiles, ...zFiles, ...tFiles]);
  const ubm = await loadGMM(ubmFile);
  const models = await loadModels(modelFiles, ubm, ubmFile);
  const tests = await loadStatsOf(testFiles, ubm, ubmFile);
  const options = { frameLengthNormalization: args.flag('frame-length-normalization') };
  const score = (ms: GMMMachine[], ss: GMMStats[]) => ({ data: linearScoring(ms, ubm, ss, options), shape: [ms.length, ss.length] as [number, number] });
  const raw = score(models, tests);
  const zStats = await loadStatsOf(zFiles, ubm, ubmFile);
  const tModels = await loadModels(tFiles, ubm, ubmFile);
  const b = zStats.length > 0 ? score(models, zStats) : null;
  const c = tModels.length > 0 ? score(tModels, tests) : null;
  const d = b !== null && c !== null ? score(tModels, zStats) : null;
  const normalisation = b !== null && c !== null ? 'zt-norm' : b !== null ? 'z-norm' : c !== null ? 't-norm' : 'none';
  const scores = normalisation === 'none' ? raw : ztNorm(raw, b, c, d);
  context.progress.info(`scored ${models.length} model(s) on ${tests.length} test(s)${normalisation === 'none' ? '' : ` (${normalisation})`}`);
  if (out !== undefined) {
    await about(out, () => writeArrayFile(out, scores));
    context.progress.info(`wrote ${out}`);
  }
  for (const m of [ubm, ...models, ...tModels]) m.dispose();
  const rows = modelFiles.flatMap((m, i) => testFiles.map((t, j) => [m, t, scores.data[i * testFiles.length + j]]));
  const json = { ubm: ubmFile, normalisation, frameLengthNormalization: options.frameLengthNormalization, models: modelFiles, tests: testFiles, scores: Array.from(scores.data), ...(out === undefined ? {} : { out }) };
  return { json, columns: ['model', 'test', 'score'], rows };
}

async function loadModels(files: string[], ubm: GMMMachine, ubmFile: string): Promise<GMMMachine[]> {
  const out: GMMMachine[] = [];
  for (const file of files) {
    const model = await loadGMM(file);
    if (model.nGaussians !== ubm.nGaussians || model.nFeatures !== ubm.nFeatures) {
      throw new CliError(file, `is a [${model.shape}] GMM; the UBM of ${ubmFile} is [${ubm.shape}]`);
    }
    out.push(model);
  }
  return out;
}
