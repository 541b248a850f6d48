/** tfjs-em select: trains a GMM per number of Gaussians and keeps the one of lowest BIC (or AIC). */
import { GMMMachine } from '../machines/GMMMachine.js';
import { aic, bic } from '../math/gmm/criteria.js';
import type { Args } from './args.js';
import { DEVICE_OPTIONS, DEVICE_USAGE, type Command, type Context } from './command.js';
import { WEIGHT_OPTIONS, WEIGHT_USAGE, assertClusters, dataSet, loadShards } from './data.js';
import { CliError, about } from './errors.js';
import { assertOutputFile } from './files.js';
import type { Result } from './format.js';
import { EM_OPTIONS, emOptions, emUsage, fitShardsWithProgress } from './training.js';
import { criterionChartSvg } from './criterionChart.js';
import { writeHostFileAtomic } from '../io/hostFile.js';

export const select: Command = {
  name: 'select',
  summary: 'choose the number of Gaussians by BIC or AIC',
  usage: `Usage: tfjs-em select --data X [X...] --gaussians 4,8,16,32 --out best.h5 [--criterion bic|aic] [--plot FILE.svg]

Trains a GMM (k-means start, means, variances and weights) for each number of Gaussians,
computes the criterion on the data (scikit-learn's bic and aic: lower is better), prints a
table, writes the best model, and the criterion curve as SVG (default: next to --out).

  --data X [X...]      .npy, .csv/.txt, file.h5:/dataset, or folders of such files
${WEIGHT_USAGE}
  --gaussians LIST     the numbers of Gaussians to try, comma-separated
  --criterion C        bic (default) or aic
  --out FILE           the chosen model (HDF5)
  --plot FILE          the curve (SVG; default: --out with .svg)
  --variance-floor V   smallest variance allowed (default 2.2e-16)
  --seed S             seed of the k-means starts (default 0)
  --n-init N           k-means starts per number of Gaussians; the best is kept (default 1)
${emUsage('means,variances,weights')}
${DEVICE_USAGE}`,
  options: { data: 'values', ...WEIGHT_OPTIONS, gaussians: 'value', criterion: 'value', out: 'value', plot: 'value', 'variance-floor': 'value', seed: 'value', 'n-init': 'value', ...EM_OPTIONS, ...DEVICE_OPTIONS },
  run,
};

async function run(args: Args, context: Context): Promise<Result> {
  const out = args.requiredString('out');
  const inputs = args.requiredList('data');
  args.requiredString('gaussians');
  const counts = gaussianList(args.string('gaussians')!);
  const criterion = args.choice('criterion', ['bic', 'aic'] as const) ?? 'bic';
  const plot = args.string('plot') ?? out.replace(/(\.[^./]*)?$/, '.svg');
  const floor = args.nonNegative('variance-floor');
  const nInit = args.positiveInteger('n-init') ?? 1;
  const settings = emOptions(args, ['means', 'variances', 'weights']);
  assertOutputFile(out, inputs);
  assertOutputFile(plot, [...inputs, out]);
  const backend = await context.backend();
  const set = await dataSet(inputs, args);
  const data = await loadShards(set, settings.chunkSize);
  for (const k of counts) assertClusters('--gaussians', k, data.nSamples, set.subject);
  const candidates: { gaussians: number; steps: number; averageLogLikelihood: number; bic: number; aic: number }[] = [];
  let best: GMMMachine | null = null;
  for (const k of counts) {
    const gmm = new GMMMachine(k, { ...settings, randomState: args.integer('seed') ?? 0, nInit });
    if (floor !== undefined) gmm.varianceThresholds = floor;
    await fitShardsWithProgress(gmm, data, set.subject, `EM (${k} Gaussians)`, context);
    context.signal.throwIfAborted();
    const stats = await about(set.subject, () => data.gmmStats(gmm));
    const average = stats.logLikelihood / stats.t;
    const d = gmm.nFeatures;
    const row = { gaussians: k, steps: gmm.nIter, averageLogLikelihood: average, bic: bic(average, stats.t, k, d), aic: aic(average, stats.t, k, d) };
    candidates.push(row);
    if (best === null || row[criterion] < candidates.find((c) => c.gaussians === best!.nGaussians)![criterion]) {
      best?.dispose();
      best = gmm;
    } else gmm.dispose();
  }
  const chosen = best!.nGaussians;
  await about(out, () => best!.save(out));
  best!.dispose();
  const svg = criterionChartSvg(candidates.map((c) => ({ k: c.gaussians, value: c[criterion] })), chosen, criterion, `${criterion.toUpperCase()} per number of Gaussians (${set.subject})`);
  await about(plot, () => writeHostFileAtomic(plot, async () => new TextEncoder().encode(svg)));
  context.progress.info(`wrote ${out} (${chosen} Gaussians) and ${plot}`);
  const json = { backend, criterion, chosen, out, plot, candidates };
  return {
    json,
    columns: ['gaussians', 'steps', 'avg_log_likelihood', 'bic', 'aic', 'chosen'],
    rows: candidates.map((c) => [c.gaussians, c.steps, c.averageLogLikelihood, c.bic, c.aic, c.gaussians === chosen ? '*' : '']),
  };
}

function gaussianList(text: string): number[] {
  const values = text.split(',').map((s) => s.trim());
  const counts = values.map(Number);
  const bad = values.findIndex((v, i) => v === '' || !Number.isInteger(counts[i]) || counts[i] < 1);
  if (bad >= 0 || counts.length === 0) throw new CliError('--gaussians', `expected positive integers separated by commas; got '${text}'`);
  if (new Set(counts).size !== counts.length) throw new CliError('--gaussians', `lists a number twice: '${text}'`);
  return counts;
}
