/** tfjs-em select: trains a GMM per number of Gaussians (and covariance type) and keeps the one of lowest BIC (or AIC). */
import { GMMMachine } from '../machines/GMMMachine.js';
import { aic, bic } from '../math/gmm/criteria.js';
import { COVARIANCE_TYPES, type CovarianceType, covarianceForm } from '../math/gmm/covariances/index.js';
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
  summary: 'choose the number of Gaussians (and covariance type) by BIC or AIC',
  usage: `Usage: tfjs-em select --data X [X...] --gaussians 4,8,16,32 --out best.h5 [--covariance diag,full] [--criterion bic|aic] [--plot FILE.svg]

Trains a GMM (k-means start, means, covariances and weights) for each number of Gaussians and
each covariance type, computes the criterion on the data (scikit-learn's bic and aic, with
each type's parameter count: lower is better), prints a table, writes the best model, and the
criterion curves as SVG (one per type; default: next to --out).

  --data X [X...]      .npy, .csv/.txt, file.h5:/dataset, or folders of such files
${WEIGHT_USAGE}
  --gaussians LIST     the numbers of Gaussians to try, comma-separated
  --covariance LIST    covariance types to try, comma-separated from diag (default), full, tied, spherical
  --reg-covar V        full and tied: added to the covariances' diagonal at each m-step (default 1e-6)
  --criterion C        bic (default) or aic
  --out FILE           the chosen model (HDF5)
  --plot FILE          the curve (SVG; default: --out with .svg)
  --variance-floor V   smallest variance allowed (default 2.2e-16)
  --seed S             seed of the k-means starts (default 0)
  --n-init N           k-means starts per number of Gaussians; the best is kept (default 1)
${emUsage('means,variances,weights')}
${DEVICE_USAGE}`,
  options: { data: 'values', ...WEIGHT_OPTIONS, gaussians: 'value', covariance: 'value', 'reg-covar': 'value', criterion: 'value', out: 'value', plot: 'value', 'variance-floor': 'value', seed: 'value', 'n-init': 'value', ...EM_OPTIONS, ...DEVICE_OPTIONS },
  run,
};

async function run(args: Args, context: Context): Promise<Result> {
  const out = args.requiredString('out');
  const inputs = args.requiredList('data');
  args.requiredString('gaussians');
  const counts = gaussianList(args.string('gaussians')!);
  const types = typeList(args.string('covariance') ?? 'diag');
  const regCovar = args.nonNegative('reg-covar');
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
  const candidates: { gaussians: number; covariance: CovarianceType; steps: number; averageLogLikelihood: number; bic: number; aic: number }[] = [];
  let best: GMMMachine | null = null;
  let bestValue = Infinity;
  for (const covarianceType of types) {
    for (const k of counts) {
      const gmm = new GMMMachine(k, { ...settings, randomState: args.integer('seed') ?? 0, nInit, covarianceType, regCovar });
      if (floor !== undefined) gmm.varianceThresholds = floor;
      const what = types.length > 1 ? `${k} Gaussians, ${covarianceType}` : `${k} Gaussians`;
      await fitShardsWithProgress(gmm, data, set.subject, `EM (${what})`, context);
      context.signal.throwIfAborted();
      const stats = await about(set.subject, () => data.gmmStats(gmm));
      const average = stats.logLikelihood / stats.t;
      const [d, covariances] = [gmm.nFeatures, covarianceForm(covarianceType).parameterCount(k, gmm.nFeatures)];
      const row = {
        gaussians: k, covariance: covarianceType, steps: gmm.nIter, averageLogLikelihood: average,
        bic: bic(average, stats.t, k, d, covariances), aic: aic(average, stats.t, k, d, covariances),
      };
      candidates.push(row);
      if (row[criterion] < bestValue) {
        best?.dispose();
        [best, bestValue] = [gmm, row[criterion]];
      } else gmm.dispose();
    }
  }
  const [chosen, chosenCovariance] = [best!.nGaussians, best!.covarianceType];
  await about(out, () => best!.save(out));
  best!.dispose();
  const curves = types.map((type) => ({ name: type, points: candidates.filter((c) => c.covariance === type).map((c) => ({ k: c.gaussians, value: c[criterion] })) }));
  const title = `${criterion.toUpperCase()} per number of Gaussians (${set.subject})`;
  const svg = criterionChartSvg(curves, { k: chosen, curve: chosenCovariance }, criterion, title);
  await about(plot, () => writeHostFileAtomic(plot, async () => new TextEncoder().encode(svg)));
  context.progress.info(`wrote ${out} (${chosen} Gaussians, ${chosenCovariance}) and ${plot}`);
  const json = { backend, criterion, chosen, chosenCovariance, out, plot, candidates };
  const isChosen = (c: (typeof candidates)[number]) => c.gaussians === chosen && c.covariance === chosenCovariance;
  return {
    json,
    columns: ['gaussians', 'covariance', 'steps', 'avg_log_likelihood', 'bic', 'aic', 'chosen'],
    rows: candidates.map((c) => [c.gaussians, c.covariance, c.steps, c.averageLogLikelihood, c.bic, c.aic, isChosen(c) ? '*' : '']),
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

function typeList(text: string): CovarianceType[] {
  const values = text.split(',').map((s) => s.trim());
  const bad = values.find((v) => !(COVARIANCE_TYPES as readonly string[]).includes(v));
  if (bad !== undefined) throw new CliError('--covariance', `expected covariance types from ${COVARIANCE_TYPES.join(', ')}, comma-separated; got '${text}'`);
  if (new Set(values).size !== values.length) throw new CliError('--covariance', `lists a type twice: '${text}'`);
  return values as CovarianceType[];
}
