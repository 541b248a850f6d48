/** tfjs-em info: what a model, statistics or k-means file holds, briefly. */
import { readEnrolledFile, readFactorAnalysisFile, readGMMFile, readIVectorFile, readKMeansFile, readStatsFile } from '../io/index.js';
import type { EnrolledRecord, FactorAnalysisRecord, GMMRecord, IVectorRecord, KMeansRecord, StatsRecord } from '../io/index.js';
import type { Args } from './args.js';
import type { Command } from './command.js';
import { CliError, about } from './errors.js';
import { fileKind } from './files.js';
import type { Cell, Result } from './format.js';

export const info: Command = {
  name: 'info',
  summary: 'describe a model, statistics, k-means, i-vector, ISV or JFA file',
  usage: `Usage: tfjs-em info FILE.h5

Prints what the file holds: its kind and layout, its sizes, and a summary of its values.`,
  options: {},
  positionals: 1,
  run,
};

type Fields = Record<string, Cell>;

async function run(args: Args): Promise<Result> {
  args.expectPositionals(1);
  const file = args.positionals[0];
  if (file === undefined) throw new CliError('info', 'name the file to describe (see tfjs-em info --help)');
  const { kind, version } = await fileKind(file);
  const layout = version === null ? 'legacy' : version;
  let fields: Fields;
  if (kind === 'GMMMachine') fields = gmmFields(await about(file, () => readGMMFile(file)));
  else if (kind === 'GMMStats') fields = statsFields(await about(file, () => readStatsFile(file)));
  else if (kind === 'IVectorMachine') fields = ivectorFields(await about(file, () => readIVectorFile(file)));
  else if (kind === 'ISVMachine' || kind === 'JFAMachine') fields = factorAnalysisFields(await about(file, () => readFactorAnalysisFile(file, kind)));
  else if (kind === 'ISVModel' || kind === 'JFAModel') fields = enrolledFields(await about(file, () => readEnrolledFile(file, kind)));
  else fields = kmeansFields(await about(file, () => readKMeansFile(file)));
  const json = { file, kind, layout, ...fields };
  return { json, columns: Object.keys(json), rows: [Object.values(json)], vertical: true };
}

function gmmFields(r: GMMRecord): Fields {
  const updates = [r.updateMeans && 'means', r.updateVariances && 'variances', r.updateWeights && 'weights'].filter(Boolean);
  return {
    gaussians: r.nGaussians,
    features: r.nFeatures,
    trainer: r.trainer,
    covariance: r.covarianceType ?? 'diag',
    weights: range(r.weights),
    variances: range(r.variances),
    ...(r.covarianceType === 'full' || r.covarianceType === 'tied' ? { correlations: range(correlations(r.covariances!, r.nFeatures)) } : {}),
    varianceFloor: range(r.varianceThresholds.data),
    update: updates.join(',') || 'none',
    maxFittingSteps: r.maxFittingSteps,
    convergenceThreshold: r.convergenceThreshold,
  };
}

function ivectorFields(r: IVectorRecord): Fields {
  return {
    gaussians: r.ubm.nGaussians,
    features: r.ubm.nFeatures,
    dimT: r.dimT,
    T: range(r.t),
    sigma: range(r.sigma),
    varianceFloor: r.varianceFloor,
    updateSigma: r.updateSigma,
    maxIterations: r.maxIterations,
  };
}

function factorAnalysisFields(r: FactorAnalysisRecord): Fields {
  return {
    gaussians: r.ubm.nGaussians,
    features: r.ubm.nFeatures,
    uRank: r.rU,
    ...(r.v === null ? {} : { vRank: r.rV, V: range(r.v) }),
    U: range(r.u),
    D: range(r.d),
    relevanceFactor: r.relevanceFactor,
    emIterations: r.emIterations,
    enrollIterations: r.enrollIterations,
  };
}

function enrolledFields(r: EnrolledRecord): Fields {
  return { supervector: r.z.length, z: range(r.z), ...(r.y === null ? {} : { vRank: r.y.length, y: range(r.y) }) };
}

/** Each matrix's largest |correlation| between two features (0 for one feature), per matrix. */
function correlations(covariances: Float64Array, d: number): Float64Array {
  const out = new Float64Array(covariances.length / (d * d));
  for (let f = 0; f < out.length; f++) {
    const c = (i: number, j: number) => covariances[f * d * d + i * d + j];
    for (let i = 0; i < d; i++) for (let j = 0; j < i; j++) out[f] = Math.max(out[f], Math.abs(c(i, j)) / Math.sqrt(c(i, i) * c(j, j)));
  }
  return out;
}

function statsFields(r: StatsRecord): Fields {
  return {
    gaussians: r.nGaussians,
    features: r.nFeatures,
    covariance: r.covarianceType ?? 'diag',
    frames: r.t,
    logLikelihood: r.logLikelihood,
    averageLogLikelihood: r.t > 0 ? r.logLikelihood / r.t : null,
    occupancy: range(r.n),
  };
}

function kmeansFields(r: KMeansRecord): Fields {
  return {
    clusters: r.nClusters,
    features: r.nFeatures,
    initMethod: r.initMethod,
    randomState: r.randomState,
    maxIter: r.maxIter,
    convergenceThreshold: r.convergenceThreshold,
  };
}

/** "min .. max" of the values (or the value, when all are equal), for a glance at their scale. */
function range(values: Float64Array): string {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
  return lo === hi ? lo.toPrecision(4) : `${lo.toPrecision(4)} .. ${hi.toPrecision(4)}`;
}
