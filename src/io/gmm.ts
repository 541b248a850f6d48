/**
 * GMMMachine files in bob.learn.em's layout 1.0 (GMMMachine.save / from_hdf5):
 *   attrs file_version "1.0", writer_class
 *   n_gaussians int64, trainer str, convergence_threshold float64, max_fitting_steps int64,
 *   weights float64 [K], update_means / update_variances / update_weights bool,
 *   gaussians/means, gaussians/variances float64 [K, D],
 *   gaussians/variance_thresholds float64 [] | [D] | [K, D]
 * Models of other covariance types add, in the same group, gaussians/covariance_type str
 * ("spherical", "full", "tied") and gaussians/covariances float64 ([K], [K, D, D] or [D, D]);
 * their gaussians/variances hold each Gaussian's variances (the covariances' diagonals), so that
 * bob reads such a file as the diagonal model closest to it. A diagonal model's file is bob's
 * exactly. Legacy files are read too (gmmLegacy.ts).
 *
 * None: bob cannot save a machine whose max_fitting_steps (or convergence_threshold) is None
 * (h5py refuses to store None), so there is no bob encoding to follow. We write null by leaving
 * the dataset out, and read a missing one as null. bob's from_hdf5 then fails loudly on such a
 * file (KeyError) instead of silently training for a different number of steps; it ignores the
 * stored convergence_threshold anyway (it always uses 1e-5).
 */
import { withReadFile, writeBytes, writePath, type Source } from './h5file.js';
import type { H5Group } from './h5.js';
import { expectKind, isLegacy } from './kind.js';
import { readLegacyGMM } from './gmmLegacy.js';
import { H5Reader } from './reader.js';
import type { GMMRecord, ThresholdsRecord } from './records.js';
import { checkGMM } from './validate.js';
import { cholesky } from '../math/linalg.js';
import { readCovarianceType } from './stats.js';
import { writeArray, writeBoolean, writeHeader, writeInteger, writeNumber, writeString } from './writer.js';

/** str(GMMMachine) as bob writes it (its classes are re-exported from the package root). */
export const GMM_WRITER_CLASS = "<class 'bob.learn.em.GMMMachine'>";

export async function readGMMFile(source: Source): Promise<GMMRecord> {
  return withReadFile(source, (file, name) => readGMMRecord(new H5Reader(file, name)));
}

/** The GMM a reader's file (or group) holds, checked. */
export function readGMMRecord(reader: H5Reader): GMMRecord {
  expectKind(reader, 'GMMMachine');
  const legacy = isLegacy(reader);
  return checkValues(reader, legacy ? readLegacyGMM(reader) : readGMM(reader), legacy);
}

export async function writeGMMFile(path: string, record: GMMRecord): Promise<void> {
  checkGMM(record);
  return writePath(path, (file) => writeGMM(file, record));
}

export async function gmmToBytes(record: GMMRecord): Promise<Uint8Array> {
  checkGMM(record);
  return writeBytes((file) => writeGMM(file, record));
}

function readGMM(reader: H5Reader): GMMRecord {
  const k = reader.integer('n_gaussians');
  if (k < 1) throw reader.fail(`n_gaussians is ${k}, expected at least 1`);
  const trainer = reader.string('trainer');
  if (trainer !== 'ml' && trainer !== 'map') throw reader.fail(`trainer is "${trainer}", expected "ml" or "map"`);
  const means = reader.array('gaussians/means');
  const d = means.shape[1];
  if (means.shape.length !== 2 || means.shape[0] !== k || d < 1) {
    throw reader.fail(`dataset gaussians/means has shape [${means.shape}], expected [${k}, D] with D >= 1`);
  }
  const covarianceType = readCovarianceType(reader, 'gaussians/covariance_type');
  const shape = covarianceType === 'spherical' ? [k] : covarianceType === 'full' ? [k, d, d] : [d, d];
  return {
    ...(covarianceType === 'diag' ? {} : { covarianceType, covariances: reader.array('gaussians/covariances', shape).data }),
    nGaussians: k,
    nFeatures: d,
    trainer,
    convergenceThreshold: reader.has('convergence_threshold') ? reader.number('convergence_threshold') : null,
    maxFittingSteps: reader.has('max_fitting_steps') ? steps(reader) : null,
    weights: reader.array('weights', [k]).data,
    updateMeans: reader.boolean('update_means'),
    updateVariances: reader.boolean('update_variances'),
    updateWeights: reader.boolean('update_weights'),
    means: means.data,
    variances: reader.array('gaussians/variances', [k, d]).data,
    varianceThresholds: readThresholds(reader, k, d),
  };
}

/**
 * Values no machine can hold, as FILE_FORMAT errors naming the dataset: weights < 0 or not summing to 1
 * (within 1e-4: training sums float32 responsibilities), variances <= 0, thresholds < 0.
 */
function checkValues(reader: H5Reader, r: GMMRecord, legacy: boolean): GMMRecord {
  const [weights, variances, thresholds] = legacy
    ? ['m_weights', 'm_gaussians<i>/m_variance', 'm_gaussians<i>/m_variance_thresholds']
    : ['weights', 'gaussians/variances', 'gaussians/variance_thresholds'];
  const at = (i: number) => `[${Math.floor(i / r.nFeatures)}, ${i % r.nFeatures}]`;
  const negative = r.weights.findIndex((w) => w < 0);
  if (negative >= 0) throw reader.fail(`dataset ${weights} holds ${r.weights[negative]} at [${negative}], expected weights >= 0`);
  const sum = r.weights.reduce((s, w) => s + w, 0);
  if (Math.abs(sum - 1) > 1e-4) throw reader.fail(`dataset ${weights} sums to ${sum}, expected 1`);
  const bad = r.variances.findIndex((v) => !(v > 0));
  if (bad >= 0) throw reader.fail(`dataset ${variances} holds ${r.variances[bad]} at ${at(bad)}, expected variances > 0`);
  const floor = r.varianceThresholds.data.findIndex((v) => v < 0);
  if (floor >= 0) throw reader.fail(`dataset ${thresholds} holds ${r.varianceThresholds.data[floor]}, expected thresholds >= 0`);
  if (r.covariances !== undefined) checkCovariances(reader, r);
  return r;
}

/** Spherical variances > 0; full and tied matrices symmetric (to 1e-10 of the diagonal's scale) and positive definite. */
function checkCovariances(reader: H5Reader, r: GMMRecord): void {
  const c = r.covariances!;
  const d = r.nFeatures;
  if (r.covarianceType === 'spherical') {
    const bad = c.findIndex((v) => !(v > 0));
    if (bad >= 0) throw reader.fail(`dataset gaussians/covariances holds ${c[bad]} at [${bad}], expected variances > 0`);
    return;
  }
  for (let f = 0; f < c.length / (d * d); f++) {
    const at = f * d * d;
    const where = r.covarianceType === 'full' ? ` [${f}]` : '';
    for (let i = 0; i < d; i++) {
      for (let j = 0; j < i; j++) {
        const scale = Math.sqrt(Math.abs(c[at + i * d + i] * c[at + j * d + j]));
        if (!(Math.abs(c[at + i * d + j] - c[at + j * d + i]) <= 1e-10 * scale)) {
          throw reader.fail(`dataset gaussians/covariances${where} is not symmetric at [${i}, ${j}]`);
        }
      }
    }
    const l = cholesky(c, d, at);
    if (typeof l === 'number') throw reader.fail(`dataset gaussians/covariances${where} is not positive definite (Cholesky fails at feature ${-l - 1})`);
  }
}

function steps(reader: H5Reader): number {
  const value = reader.integer('max_fitting_steps');
  if (value < 0) throw reader.fail(`max_fitting_steps is ${value}, expected at least 0`);
  return value;
}

function readThresholds(reader: H5Reader, k: number, d: number): ThresholdsRecord {
  const path = 'gaussians/variance_thresholds';
  const { data, shape } = reader.array(path);
  if (shape.length === 0) return { data, shape: [] };
  if (shape.length === 1 && shape[0] === d) return { data, shape: [d] };
  if (shape.length === 2 && shape[0] === k && shape[1] === d) return { data, shape: [k, d] };
  throw reader.fail(`dataset ${path} has shape [${shape}], expected [], [${d}] or [${k}, ${d}]`);
}

/** Writes a checked GMM record into a file or a group (layout 1.0). */
export function writeGMM(file: H5Group, r: GMMRecord): void {
  writeHeader(file, GMM_WRITER_CLASS);
  writeInteger(file, 'n_gaussians', r.nGaussians);
  writeString(file, 'trainer', r.trainer);
  if (r.convergenceThreshold !== null) writeNumber(file, 'convergence_threshold', r.convergenceThreshold);
  if (r.maxFittingSteps !== null) writeInteger(file, 'max_fitting_steps', r.maxFittingSteps);
  writeArray(file, 'weights', r.weights, [r.nGaussians]);
  writeBoolean(file, 'update_means', r.updateMeans);
  writeBoolean(file, 'update_variances', r.updateVariances);
  writeBoolean(file, 'update_weights', r.updateWeights);
  const gaussians = file.create_group('gaussians');
  const shape = [r.nGaussians, r.nFeatures];
  writeArray(gaussians, 'means', r.means, shape);
  writeArray(gaussians, 'variances', r.variances, shape);
  writeArray(gaussians, 'variance_thresholds', r.varianceThresholds.data, r.varianceThresholds.shape);
  if (r.covarianceType === undefined || r.covarianceType === 'diag') return;
  writeString(gaussians, 'covariance_type', r.covarianceType);
  const [k, d] = shape;
  const covShape = r.covarianceType === 'spherical' ? [k] : r.covarianceType === 'full' ? [k, d, d] : [d, d];
  writeArray(gaussians, 'covariances', r.covariances!, covShape);
}
