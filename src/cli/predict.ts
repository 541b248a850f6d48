/** tfjs-em predict: each sample's most responsible Gaussian, or its responsibilities, as a .npy or .csv file. */
import { writeArrayFile } from '../io/data/write.js';
import type { Args } from './args.js';
import { DEVICE_OPTIONS, DEVICE_USAGE, type Command, type Context } from './command.js';
import { loadOne } from './data.js';
import { about } from './errors.js';
import { assertFeatures, assertOutputFile, loadGMM } from './files.js';
import type { Result } from './format.js';

export const predict: Command = {
  name: 'predict',
  summary: "each sample's Gaussian (or responsibilities), as scikit-learn's predict",
  usage: `Usage: tfjs-em predict --model m.h5 --data X --out labels.npy [--proba]

Writes each sample's most responsible Gaussian (int32, one per row; ties: the lower index),
or with --proba its responsibilities (float64, one row of nGaussians per sample, summing to 1).

  --model FILE         the GMM
  --data X             .npy, .csv/.txt or file.h5:/dataset
  --out FILE           .npy or .csv
  --proba              responsibilities instead of labels (scikit-learn's predict_proba)
${DEVICE_USAGE}`,
  options: { model: 'value', data: 'value', out: 'value', proba: 'flag', ...DEVICE_OPTIONS },
  run,
};

async function run(args: Args, context: Context): Promise<Result> {
  const modelFile = args.requiredString('model');
  const input = args.requiredString('data');
  const out = args.requiredString('out');
  const proba = args.flag('proba');
  assertOutputFile(out, [modelFile, input]);
  const backend = await context.backend();
  const model = await loadGMM(modelFile);
  model.chunkSize = args.positiveInteger('chunk-size');
  const samples = await loadOne(input);
  assertFeatures(samples.spec.file, samples.data.shape[1], modelFile, model.nFeatures);
  const n = samples.data.shape[0];
  const array = proba
    ? await about(samples.spec.file, () => model.predictProba(samples.data))
    : { data: await about(samples.spec.file, () => model.predict(samples.data)), shape: [n] as [number] };
  model.dispose();
  await about(out, () => writeArrayFile(out, array));
  context.progress.info(`wrote ${out}`);
  const json = { out, backend, samples: n, gaussians: model.nGaussians, values: proba ? 'responsibilities' : 'labels' };
  return { json, columns: Object.keys(json), rows: [Object.values(json)], vertical: true };
}
