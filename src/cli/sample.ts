/** tfjs-em sample: samples drawn from a GMM, as scikit-learn's sample. */
import { writeArrayFile } from '../io/data/write.js';
import type { Args } from './args.js';
import type { Command, Context } from './command.js';
import { about } from './errors.js';
import { assertOutputFile, loadGMM } from './files.js';
import type { Result } from './format.js';

export const sample: Command = {
  name: 'sample',
  summary: 'draw samples from a GMM (.npy or .csv)',
  usage: `Usage: tfjs-em sample --model m.h5 -n N --out samples.npy [--seed S] [--labels FILE]

Draws N samples from the mixture (float64, one row per sample): a Gaussian by weight,
then its mean plus its standard deviations times normal draws.

  --model FILE         the GMM
  -n, --n N            how many samples
  --out FILE           .npy or .csv
  --seed S             seed of the draws (default 0)
  --labels FILE        also write each sample's Gaussian (int32, .npy or .csv)`,
  options: { model: 'value', n: 'value', out: 'value', seed: 'value', labels: 'value' },
  run,
};

async function run(args: Args, context: Context): Promise<Result> {
  const modelFile = args.requiredString('model');
  args.requiredString('n');
  const n = args.positiveInteger('n')!;
  const out = args.requiredString('out');
  const labelsFile = args.string('labels');
  assertOutputFile(out, [modelFile]);
  if (labelsFile !== undefined) assertOutputFile(labelsFile, [modelFile, out]);
  const model = await loadGMM(modelFile);
  const drawn = await about(modelFile, async () => model.sample(n, { randomState: args.integer('seed') ?? 0 }));
  await about(out, () => writeArrayFile(out, drawn));
  if (labelsFile !== undefined) await about(labelsFile, () => writeArrayFile(labelsFile, { data: drawn.labels, shape: [n] }));
  context.progress.info(`wrote ${out}`);
  const json = { out, samples: n, features: model.nFeatures, gaussians: model.nGaussians };
  return { json, columns: Object.keys(json), rows: [Object.values(json)], vertical: true };
}
