/**
 * GMMStats files in bob.learn.em's layout 1.0 (GMMStats.save / from_hdf5):
 *   attrs file_version "1.0", writer_class
 *   n_gaussians, n_features, T int64 (float64 for weighted samples: their total weight); log_likelihood float64;
 *   n float64 [K]; sumPx, sumPxx float64 [K, D]
 * Statistics of other covariance types add covariance_type str ("spherical", "full", "tied")
 * beside them, and hold sumPxx as [K, D, D] (full) or [D, D] (tied: pooled over Gaussians).
 * The legacy layout names n_features "n_inputs" and log_likelihood "log_liklihood" (sic), and
 * bob reshapes its arrays, so only their element counts are checked there.
 */
import { withReadFile, writeBytes, writePath, type Source } from './h5file.js';
import type { H5File } from './h5.js';
import { expectKind, isLegacy } from './kind.js';
import { H5Reader } from './reader.js';
import type { StatsRecord } from './records.js';
import { checkStats, inconsistency, secondShape } from './validate.js';
import { COVARIANCE_TYPES, type CovarianceType } from '../math/gmm/covariances/form.js';
import { TfjsEmError } from '../errors.js';
import { writeArray, writeHeader, writeInteger, writeNumber, writeString } from './writer.js';

/** str(GMMStats) as bob writes it. */
export const STATS_WRITER_CLASS = "<class 'bob.learn.em.GMMStats'>";

export async function readStatsFile(source: Source): Promise<StatsRecord> {
  return withReadFile(source, (file, name) => {
    const reader = new H5Reader(file, name);
    expectKind(reader, 'GMMStats');
    return readStats(reader, isLegacy(reader));
  });
}

export async function writeStatsFile(path: string, record: StatsRecord): Promise<void> {
  checkStats(record);
  return writePath(path, (file) => writeStats(file, record));
}

export async function statsToBytes(record: StatsRecord): Promise<Uint8Array> {
  checkStats(record);
  return writeBytes((file) => writeStats(file, record));
}

function readStats(reader: H5Reader, legacy: boolean): StatsRecord {
  const k = positive(reader, 'n_gaussians');
  const d = positive(reader, legacy ? 'n_inputs' : 'n_features');
  // an integer in bob's files; the total weight of the samples when they were weighted
  const t = reader.number('T');
  if (t < 0) throw reader.fail(`T is ${t}, expected at least 0`);
  const model = reader.attribute(MODEL_ATTRIBUTE);
  if (model !== undefined && !/^[0-9a-f]{16}$/.test(model)) throw reader.fail(`attribute ${MODEL_ATTRIBUTE} is not a model hash`);
  const covarianceType = readCovarianceType(reader, 'covariance_type');
  const record: StatsRecord = {
    nGaussians: k,
    nFeatures: d,
    logLikelihood: reader.number(legacy ? 'log_liklihood' : 'log_likelihood'),
    t,
    n: reader.array('n', [k], legacy).data,
    sumPx: reader.array('sumPx', [k, d], legacy).data,
    sumPxx: reader.array('sumPxx', secondShape(covarianceType, k, d), legacy).data,
    ...(model === undefined ? {} : { model }),
    ...(covarianceType === 'diag' ? {} : { covarianceType }),
  };
  const problem = inconsistency(record);
  if (problem !== null) throw new TfjsEmError('INVALID_DATA', `${reader.name}: ${problem}: not the statistics of samples under one model`);
  return record;
}

/** A covariance_type dataset's value ('diag' where there is none, as in bob's files). */
export function readCovarianceType(reader: H5Reader, path: string): CovarianceType {
  if (!reader.has(path)) return 'diag';
  const type = reader.string(path) as CovarianceType;
  if (!COVARIANCE_TYPES.includes(type)) throw reader.fail(`${path} is "${type}", expected one of ${COVARIANCE_TYPES.map((t) => `"${t}"`).join(', ')}`);
  return type;
}

function positive(reader: H5Reader, path: string): number {
  const value = reader.integer(path);
  if (value < 1) throw reader.fail(`${path} is ${value}, expected at least 1`);
  return value;
}

function writeStats(file: H5File, r: StatsRecord): void {
  writeHeader(file, STATS_WRITER_CLASS);
  writeInteger(file, 'n_gaussians', r.nGaussians);
  writeInteger(file, 'n_features', r.nFeatures);
  writeNumber(file, 'log_likelihood', r.logLikelihood);
  if (Number.isSafeInteger(r.t)) writeInteger(file, 'T', r.t);
  else writeNumber(file, 'T', r.t); // weighted samples: their total weight (float64)
  writeArray(file, 'n', r.n, [r.nGaussians]);
  writeArray(file, 'sumPx', r.sumPx, [r.nGaussians, r.nFeatures]);
  writeArray(file, 'sumPxx', r.sumPxx, secondShape(r.covarianceType, r.nGaussians, r.nFeatures));
  if (r.covarianceType !== undefined && r.covarianceType !== 'diag') writeString(file, 'covariance_type', r.covarianceType);
  if (r.model !== undefined) file.create_attribute(MODEL_ATTRIBUTE, r.model, [], 'S');
}

/** The root attribute naming the model the statistics were accumulated under (parameterHash); bob ignores it. */
export const MODEL_ATTRIBUTE = 'tfjs_em_model';
