/** HDF5 I/O over plain records: bob.learn.em's GMMMachine and GMMStats layouts, and our KMeansMachine layout. */
export type { FactorAnalysisRecord, GMMRecord, IVectorRecord, KMeansRecord, StatsRecord, ThresholdsRecord } from './records.js';
export type { Source } from './h5file.js';
export { gmmToBytes, readGMMFile, writeGMMFile } from './gmm.js';
export { readStatsFile, statsToBytes, writeStatsFile } from './stats.js';
export { kmeansToBytes, readKMeansFile, writeKMeansFile } from './kmeans.js';
export { ivectorToBytes, readIVectorFile, writeIVectorFile } from './ivector.js';
export { factorAnalysisToBytes, readEnrolledFile, readFactorAnalysisFile, writeEnrolledFile, writeFactorAnalysisFile } from './factorAnalysis.js';
export type { EnrolledRecord } from './factorAnalysis.js';
