/** tfjs-em score: average log-likelihood per frame, or the log-likelihood ratio against a UBM, per file. */
import { GMMMachine } from '../machines/GMMMachine.js';
import type { Args } from './args.js';
import { DEVICE_OPTIONS, DEVICE_USAGE, type Command, type Context } from './command.js';
import { WEIGHT_OPTIONS, WEIGHT_USAGE, dataSpecs, loadSamples, weightSpecs, type Samples } from './data.js';
import { about } from './errors.js';
import { assertFeatures, loadGMM } from './files.js';
import type { Cell, Result } from './format.js';
import { aic, bic } from '../math/gmm/criteria.js';
import { covarianceForm } from '../math/gmm/covariances/index.js';
import { LINEAR_OPTIONS, LINEAR_USAGE, scoreLinear } from './linearScore.js';

export const score: Command = {
  name: 'score',
  summary: 'score data files against a model (average log-likelihood or LLR per frame)',
  usage: `Usage: tfjs-em score --model m.h5 [--ubm ubm.h5] --data X [X...] [--per-sample]
       tfjs-em score --linear --ubm ubm.h5 --models M [M...] --stats S [S...] [--znorm-stats Z...] [--tnorm-models T...]

Prints one row per data file: the average log-likelihood per frame under the model,
or, with --ubm, the average log-likelihood ratio per frame (model minus UBM). With
--format json, each file also gets the model's bic and aic on it (scikit-learn's).

  --model FILE         the GMM to score against
  --ubm FILE           the UBM: score the log-likelihood ratio
  --data X [X...]      .npy, .csv/.txt, file.h5:/dataset, or folders of such files
${WEIGHT_USAGE} (the score: their weighted mean)
  --per-sample         one row per frame instead of per file
${DEVICE_USAGE}

${LINEAR_USAGE}`,
  options: { model: 'value', ubm: 'value', data: 'values', ...WEIGHT_OPTIONS, 'per-sample': 'flag', ...DEVICE_OPTIONS, ...LINEAR_OPTIONS },
  run,
};

interface Scored {
  file: string;
  frames: number;
  score: number;
  perSample: Float64Array;
  /** scikit-learn's criteria of the model on the file (not for a ratio against a UBM). */
  criteria: { bic: number; aic: number } | null;
}

async function run(args: Args, context: Context): Promise<Result> {
  if (args.flag('linear')) return scoreLinear(args, context);
  const modelFile = args.requiredString('model');
  const ubmFile = args.string('ubm');
  const perSample = args.flag('per-sample');
  const chunkSize = args.positiveInteger('chunk-size');
  const specs = await dataSpecs(args.requiredList('data'));
  const weights = await weightSpecs(args, specs);
  const backend = await context.backend();
  const ubm = ubmFile === undefined ? undefined : await loadGMM(ubmFile);
  const model = await loadGMM(modelFile);
  for (const m of [model, ubm]) if (m) m.chunkSize = chunkSize;
  const scored: Scored[] = [];
  for (const [i, spec] of specs.entries()) {
    const samples = await loadSamples(spec, weights?.[i]);
    assertFeatures(spec.file, samples.data.shape[1], modelFile, model.nFeatures);
    if (ubm) assertFeatures(spec.file, samples.data.shape[1], ubmFile!, ubm.nFeatures);
    scored.push(await scoreFile(samples, model, ubm));
  }
  model.dispose();
  ubm?.dispose();
  return result({ backend, model: modelFile, ubm: ubmFile ?? null }, scored, perSample, ubm !== undefined);
}

async function scoreFile(samples: Samples, model: GMMMachine, ubm: GMMMachine | undefined): Promise<Scored> {
  const ll = await about(samples.spec.file, () => model.logLikelihood(samples.data));
  if (ubm !== undefined) {
    const background = await about(samples.spec.file, () => ubm.logLikelihood(samples.data));
    ll.forEach((v, i) => (ll[i] = v - background[i]));
  }
  // The same sums and division as GMMMachine.score (with weights: their weighted mean).
  const w = samples.weights;
  const score = w === null ? ll.reduce((s, v) => s + v, 0) / ll.length : ll.reduce((s, v, i) => (w[i] > 0 ? s + w[i] * v : s), 0) / w.reduce((s, v) => s + v, 0);
  const [k, d, n] = [model.nGaussians, model.nFeatures, w === null ? ll.length : w.reduce((s, v) => s + v, 0)];
  const covariances = covarianceForm(model.covarianceType).parameterCount(k, d);
  const criteria = ubm === undefined ? { bic: bic(score, n, k, d, covariances), aic: aic(score, n, k, d, covariances) } : null;
  return { file: samples.spec.spec, frames: ll.length, score, perSample: ll, criteria };
}

function result(header: Record<string, string | null>, scored: Scored[], perSample: boolean, isRatio: boolean): Result {
  const name = isRatio ? 'llr' : 'avg_log_likelihood';
  const json = {
    ...header,
    score: isRatio ? 'average log-likelihood ratio per frame' : 'average log-likelihood per frame',
    files: scored.map((s) => ({ file: s.file, frames: s.frames, score: s.score, ...s.criteria, ...(perSample ? { perSample: Array.from(s.perSample) } : {}) })),
  };
  if (!perSample) return { json, columns: ['file', 'frames', name], rows: scored.map((s) => [s.file, s.frames, s.score]) };
  const rows: Cell[][] = scored.flatMap((s) => Array.from(s.perSample, (v, i): Cell[] => [s.file, i, v]));
  return { json, columns: ['file', 'frame', name], rows };
}
