/**
 * bob's legacy (pre-1.0, C++ era) GMMMachine layout: m_n_gaussians, m_weights and one group
 * m_gaussians<i> per Gaussian with m_mean, m_variance, m_variance_thresholds. It stores no
 * training settings: they take bob's constructor defaults, as bob's from_hdf5 does.
 */
import type { H5Reader } from './reader.js';
import type { GMMRecord } from './records.js';

export function readLegacyGMM(reader: H5Reader): GMMRecord {
  const k = reader.integer('m_n_gaussians');
  if (k < 1) throw reader.fail(`m_n_gaussians is ${k}, expected at least 1`);
  const weights = reader.array('m_weights', [k], true).data;
  const d = reader.array('m_gaussians0/m_mean').data.length;
  if (d < 1) throw reader.fail('dataset m_gaussians0/m_mean is empty');
  const stack = (name: string): Float64Array => {
    const out = new Float64Array(k * d);
    for (let i = 0; i < k; i++) out.set(reader.array(`m_gaussians${i}/${name}`, [d], true).data, i * d);
    return out;
  };
  return {
    nGaussians: k,
    nFeatures: d,
    trainer: 'ml',
    convergenceThreshold: 1e-5,
    maxFittingSteps: 200,
    weights,
    updateMeans: true,
    updateVariances: false,
    updateWeights: false,
    means: stack('m_mean'),
    variances: stack('m_variance'),
    varianceThresholds: { data: stack('m_variance_thresholds'), shape: [k, d] },
  };
}
