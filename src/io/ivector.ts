/**
 * IVectorMachine files: bob.learn.em 2.x's IVectorMachine datasets (m_T as [C * D, R], the
 * supervector by rank; m_sigma [C * D]; m_variance_threshold), our training settings beside
 * them, and the UBM in a group in bob's GMMMachine layout 1.0 (bob 2.x kept it in a file of its own):
 *   attrs file_version "1.0", writer_class "<class 'tfjs_em.IVectorMachine'>"
 *   m_T float64 [C * D, R]; m_sigma float64 [C * D]; m_variance_threshold float64 scalar
 *   update_sigma bool (int8); max_iterations int64; random_state int64
 *   ubm/  the UBM (attrs and datasets of a GMMMachine file)
 */
import { withReadFile, writeBytes, writePath, type Source } from './h5file.js';
import type { H5Group } from './h5.js';
import { readGMMRecord, writeGMM } from './gmm.js';
import { expectKind, isLegacy } from './kind.js';
import { H5Reader } from './reader.js';
import type { IVectorRecord } from './records.js';
import { checkGMM } from './validate.js';
import { writeArray, writeBoolean, writeHeader, writeInteger, writeNumber } from './writer.js';

export const IVECTOR_WRITER_CLASS = "<class 'tfjs_em.IVectorMachine'>";

export async function readIVectorFile(source: Source): Promise<IVectorRecord> {
  return withReadFile(source, (file, name) => {
    const reader = new H5Reader(file, name);
    expectKind(reader, 'IVectorMachine');
    if (isLegacy(reader)) throw reader.fail('IVectorMachine file without a file_version attribute');
    const group = file.get('ubm');
    if (group === null || (group as { type?: string }).type !== 'Group') throw reader.fail('group ubm (the UBM) is missing');
    const ubm = readGMMRecord(new H5Reader(group as H5Group, `${name}:/ubm`));
    const cd = ubm.nGaussians * ubm.nFeatures;
    const t = reader.array('m_T');
    if (t.shape.length !== 2 || t.shape[0] !== cd || t.shape[1] < 1) throw reader.fail(`dataset m_T has shape [${t.shape}], expected [${cd}, R] (the UBM's C * D by the rank)`);
    const sigma = reader.array('m_sigma', [cd]).data;
    const bad = sigma.findIndex((v) => !(v > 0));
    if (bad >= 0) throw reader.fail(`m_sigma[${bad}] is ${sigma[bad]}, expected > 0`);
    const varianceFloor = reader.number('m_variance_threshold');
    if (!(varianceFloor >= 0)) throw reader.fail(`m_variance_threshold is ${varianceFloor}, expected >= 0`);
    const count = (path: string) => {
      const v = reader.integer(path);
      if (v < 0) throw reader.fail(`${path} is ${v}, expected at least 0`);
      return v;
    };
    return {
      ubm, dimT: t.shape[1], t: t.data, sigma, varianceFloor,
      updateSigma: reader.boolean('update_sigma'), maxIterations: count('max_iterations'), randomState: reader.integer('random_state'),
    };
  });
}

export async function writeIVectorFile(path: string, record: IVectorRecord): Promise<void> {
  checkGMM(record.ubm);
  return writePath(path, (file) => writeIVector(file, record));
}

export async function ivectorToBytes(record: IVectorRecord): Promise<Uint8Array> {
  checkGMM(record.ubm);
  return writeBytes((file) => writeIVector(file, record));
}

function writeIVector(file: H5Group, r: IVectorRecord): void {
  writeHeader(file, IVECTOR_WRITER_CLASS);
  const cd = r.ubm.nGaussians * r.ubm.nFeatures;
  writeArray(file, 'm_T', r.t, [cd, r.dimT]);
  writeArray(file, 'm_sigma', r.sigma, [cd]);
  writeNumber(file, 'm_variance_threshold', r.varianceFloor);
  writeBoolean(file, 'update_sigma', r.updateSigma);
  writeInteger(file, 'max_iterations', r.maxIterations);
  writeInteger(file, 'random_state', r.randomState);
  writeGMM(file.create_group('ubm'), r.ubm);
}
