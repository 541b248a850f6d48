/**
 * ISVMachine and JFAMachine files: bob.learn.em 2.x's ISVBase / JFABase datasets (U [C * D, rU],
 * V [C * D, rV] for JFA, d [C * D]; bob 2.x kept the UBM in a file of its own), our settings
 * beside them, and the UBM in a group in bob's GMMMachine layout 1.0:
 *   attrs file_version "1.0", writer_class "<class 'tfjs_em.ISVMachine'>" (or JFAMachine)
 *   U float64 [C * D, rU]; V float64 [C * D, rV] (JFA); d float64 [C * D]
 *   relevance_factor float64; em_iterations, enroll_iterations, random_state int64
 *   ubm/  the UBM (attrs and datasets of a GMMMachine file)
 * A file of bob 2.x (U, d and V only) is read with the UBM given beside it.
 * An enrolled speaker has a file of its own, bob 2.x's ISVMachine / JFAMachine layout:
 *   attrs file_version "1.0", writer_class "<class 'tfjs_em.ISVModel'>" (or JFAModel)
 *   z float64 [C * D]; y float64 [rV] (JFA)
 */
import { withReadFile, writeBytes, writePath, type Source } from './h5file.js';
import type { H5Group } from './h5.js';
import { readGMMRecord, writeGMM } from './gmm.js';
import { expectKind, isLegacy } from './kind.js';
import { H5Reader } from './reader.js';
import type { FactorAnalysisRecord, GMMRecord } from './records.js';
import { checkGMM } from './validate.js';
import { writeArray, writeHeader, writeInteger, writeNumber } from './writer.js';

export const FACTOR_ANALYSIS_WRITER_CLASS = {
  ISVMachine: "<class 'tfjs_em.ISVMachine'>",
  JFAMachine: "<class 'tfjs_em.JFAMachine'>",
  ISVModel: "<class 'tfjs_em.ISVModel'>",
  JFAModel: "<class 'tfjs_em.JFAModel'>",
};

/** bob's defaults, for files of bob 2.x that carry no settings. */
const DEFAULTS = { relevanceFactor: 4, emIterations: 10, enrollIterations: 1, randomState: 0 };

/**
 * Reads an ISV or JFA file (`kind`: the one expected). `ubm`: the UBM for a file without one
 * (bob 2.x's); a file with its own UBM ignores it.
 */
export async function readFactorAnalysisFile(source: Source, kind: FactorAnalysisRecord['kind'], ubm?: GMMRecord): Promise<FactorAnalysisRecord> {
  return withReadFile(source, (file, name) => {
    const reader = new H5Reader(file, name);
    expectKind(reader, kind);
    isLegacy(reader); // refuses a layout after 1.x; bob 2.x's files have no version
    const group = file.get('ubm');
    let model = ubm;
    if (group !== null) {
      if ((group as { type?: string }).type !== 'Group') throw reader.fail('ubm is not a group (the UBM)');
      model = readGMMRecord(new H5Reader(group as H5Group, `${name}:/ubm`));
    }
    if (model === undefined) throw reader.fail('holds no UBM (a bob 2.x file): give the UBM it was trained on');
    const cd = model.nGaussians * model.nFeatures;
    const subspace = (path: string) => {
      const a = reader.array(path);
      if (a.shape.length !== 2 || a.shape[0] !== cd || a.shape[1] < 1) throw reader.fail(`dataset ${path} has shape [${a.shape}], expected [${cd}, rank] (the UBM's C * D by the rank)`);
      return a;
    };
    const u = subspace('U');
    const v = kind === 'JFAMachine' ? subspace('V') : null;
    const d = reader.array('d', [cd]).data;
    const settings = { ...DEFAULTS };
    if (reader.has('relevance_factor')) {
      settings.relevanceFactor = reader.number('relevance_factor');
      if (!(settings.relevanceFactor > 0)) throw reader.fail(`relevance_factor is ${settings.relevanceFactor}, expected > 0`);
      for (const [key, path] of [['emIterations', 'em_iterations'], ['enrollIterations', 'enroll_iterations'], ['randomState', 'random_state']] as const) {
        settings[key] = reader.integer(path);
        if (key !== 'randomState' && settings[key] < 0) throw reader.fail(`${path} is ${settings[key]}, expected at least 0`);
      }
    }
    return { kind, ubm: model, rU: u.shape[1], u: u.data, rV: v?.shape[1] ?? 0, v: v?.data ?? null, d, ...settings };
  });
}

export async function writeFactorAnalysisFile(path: string, record: FactorAnalysisRecord): Promise<void> {
  checkGMM(record.ubm);
  return writePath(path, (file) => writeFactorAnalysis(file, record));
}

export async function factorAnalysisToBytes(record: FactorAnalysisRecord): Promise<Uint8Array> {
  checkGMM(record.ubm);
  return writeBytes((file) => writeFactorAnalysis(file, record));
}

function writeFactorAnalysis(file: H5Group, r: FactorAnalysisRecord): void {
  writeHeader(file, FACTOR_ANALYSIS_WRITER_CLASS[r.kind]);
  const cd = r.ubm.nGaussians * r.ubm.nFeatures;
  writeArray(file, 'U', r.u, [cd, r.rU]);
  if (r.v !== null) writeArray(file, 'V', r.v, [cd, r.rV]);
  writeArray(file, 'd', r.d, [cd]);
  writeNumber(file, 'relevance_factor', r.relevanceFactor);
  writeInteger(file, 'em_iterations', r.emIterations);
  writeInteger(file, 'enroll_iterations', r.enrollIterations);
  writeInteger(file, 'random_state', r.randomState);
  writeGMM(file.create_group('ubm'), r.ubm);
}

/** An enrolled speaker: z [C * D], and y [rV] for JFA (null for ISV). */
export interface EnrolledRecord {
  y: Float64Array | null;
  z: Float64Array;
}

/**
 * Reads an enrolled speaker; with `cd` (and `rV`, for JFA), checked to fit a machine with
 * supervectors of cd values.
 */
export async function readEnrolledFile(source: Source, kind: 'ISVModel' | 'JFAModel', cd?: number, rV?: number): Promise<EnrolledRecord> {
  return withReadFile(source, (file, name) => {
    const reader = new H5Reader(file, name);
    expectKind(reader, kind);
    isLegacy(reader);
    const vector = (path: string, length: number | undefined) => {
      const a = reader.array(path, length === undefined ? undefined : [length]);
      if (a.shape.length !== 1) throw reader.fail(`dataset ${path} has shape [${a.shape}], expected a vector`);
      return a.data;
    };
    return { z: vector('z', cd), y: kind === 'JFAModel' ? vector('y', rV) : null };
  });
}

export async function writeEnrolledFile(path: string, r: EnrolledRecord): Promise<void> {
  return writePath(path, (file) => {
    writeHeader(file, FACTOR_ANALYSIS_WRITER_CLASS[r.y === null ? 'ISVModel' : 'JFAModel']);
    if (r.y !== null) writeArray(file, 'y', r.y, [r.y.length]);
    writeArray(file, 'z', r.z, [r.z.length]);
  });
}
