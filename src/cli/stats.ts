/** tfjs-em stats: the GMMStats of data under a model, in bob's layout. */
import type { Args } from './args.js';
import { DEVICE_OPTIONS, DEVICE_USAGE, type Command, type Context } from './command.js';
import { WEIGHT_OPTIONS, WEIGHT_USAGE, dataSet, loadShards } from './data.js';
import { about } from './errors.js';
import { assertFeatures, assertOutputFile, loadGMM } from './files.js';
import type { Result } from './format.js';

export const stats: Command = {
  name: 'stats',
  summary: 'accumulate the GMM statistics of data (bob\'s GMMStats file)',
  usage: `Usage: tfjs-em stats --model m.h5 --data X [X...] --out stats.h5

Writes the zeroth, first and second order statistics of the data under the model
(bob.learn.em's GMMStats: T, log_likelihood, n, sumPx, sumPxx).

  --model FILE         the GMM
  --data X [X...]      samples: .npy, .csv/.txt, file.h5:/dataset, or folders of such files
                       (one data set: the statistics of all its files, summed file by file)
${WEIGHT_USAGE}
  --out FILE           the statistics to write (HDF5)
${DEVICE_USAGE}`,
  options: { model: 'value', data: 'values', ...WEIGHT_OPTIONS, out: 'value', ...DEVICE_OPTIONS },
  run,
};

async function run(args: Args, context: Context): Promise<Result> {
  const out = args.requiredString('out');
  const modelFile = args.requiredString('model');
  const inputs = args.requiredList('data');
  const set = await dataSet(inputs, args);
  const chunkSize = args.positiveInteger('chunk-size');
  assertOutputFile(out, [...inputs, modelFile]);
  const backend = await context.backend();
  const model = await loadGMM(modelFile);
  const data = await loadShards(set, chunkSize);
  assertFeatures(set.subject, data.nFeatures, modelFile, model.nFeatures);
  model.chunkSize = chunkSize;
  const result = await about(set.subject, () => data.gmmStats(model));
  model.dispose();
  context.signal.throwIfAborted();
  await about(out, () => result.save(out));
  context.progress.info(`wrote ${out}`);
  const json = { out, backend, gaussians: result.nGaussians, features: result.nFeatures, frames: result.t, logLikelihood: result.logLikelihood };
  return { json, columns: Object.keys(json), rows: [Object.values(json)], vertical: true };
}
