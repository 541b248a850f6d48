/** Options and steps shared by train and adapt. */
import type { FitOptions, FitStep, GMMData, GMMMachine } from '../machines/GMMMachine.js';
import type { HostArray2D } from '../data/matrix.js';
import type { Args } from './args.js';
import type { Context } from './command.js';
import { TfjsEmError } from '../errors.js';
import type { TfjsEmWarning } from '../warnings.js';
import { GMM_DEFAULTS } from '../options/gmmOptions.js';
import { CliError, about } from './errors.js';

const UPDATES = ['means', 'variances', 'weights'] as const;
type Update = (typeof UPDATES)[number];

export const EM_OPTIONS = { steps: 'value', threshold: 'value', update: 'value' } as const;

export function emUsage(defaultUpdate: string): string {
  return `  --steps N            most EM steps (default ${GMM_DEFAULTS.maxFittingSteps})
  --threshold T        stop when the average log-likelihood changes by at most T, relative (default ${GMM_DEFAULTS.convergenceThreshold})
  --update LIST        parameters to update, comma-separated from means,variances,weights (default ${defaultUpdate})`;
}

/** The EM settings given by --steps, --threshold, --update and --chunk-size (GMMMachine options). */
export interface EmSettings {
  maxFittingSteps: number;
  convergenceThreshold: number;
  updateMeans: boolean;
  updateVariances: boolean;
  updateWeights: boolean;
  chunkSize: number | undefined;
}

export function emOptions(args: Args, defaultUpdate: Update[]): EmSettings {
  const update = args.subset('update', UPDATES) ?? new Set(defaultUpdate);
  return {
    maxFittingSteps: args.positiveInteger('steps') ?? GMM_DEFAULTS.maxFittingSteps,
    convergenceThreshold: args.nonNegative('threshold') ?? GMM_DEFAULTS.convergenceThreshold,
    updateMeans: update.has('means'),
    updateVariances: update.has('variances'),
    updateWeights: update.has('weights'),
    chunkSize: args.positiveInteger('chunk-size'),
  };
}

/** The settings, on a machine whose start point came from elsewhere. */
export function applySettings(gmm: GMMMachine, settings: EmSettings): void {
  gmm.maxFittingSteps = settings.maxFittingSteps;
  gmm.convergenceThreshold = settings.convergenceThreshold;
  gmm.updateMeans = settings.updateMeans;
  gmm.updateVariances = settings.updateVariances;
  gmm.updateWeights = settings.updateWeights;
  gmm.chunkSize = settings.chunkSize;
}

/**
 * EM on `data` with a progress bar; Ctrl-C stops it within the current pass. Returns the last
 * step. A variance too small for float32 is reported against `floorFrom` (the option or the
 * model file that set the floor), not against the data.
 */
export function fitWithProgress(
  gmm: GMMMachine,
  data: HostArray2D,
  file: string,
  label: string,
  context: Context,
  floorFrom = '--variance-floor',
  sampleWeight: Float64Array | null = null,
): Promise<FitStep | undefined> {
  return withProgress(gmm, data.shape[0], file, label, context, floorFrom, (options) => gmm.fit(data, { ...options, sampleWeight: sampleWeight ?? undefined }));
}

/** fitWithProgress on a data set of shards (files, or workers holding them). */
export function fitShardsWithProgress(gmm: GMMMachine, data: GMMData, subject: string, label: string, context: Context): Promise<FitStep | undefined> {
  return withProgress(gmm, data.nSamples, subject, label, context, '--variance-floor', (options) => gmm.fitShards(data, options));
}

async function withProgress(
  gmm: GMMMachine,
  frames: number,
  subject: string,
  label: string,
  context: Context,
  floorFrom: string,
  fit: (options: FitOptions) => Promise<unknown>,
): Promise<FitStep | undefined> {
  const show = context.progress.em(label, frames, gmm.maxFittingSteps);
  let last: FitStep | undefined;
  const onStep = (step: FitStep) => {
    last = step;
    show(step);
  };
  const onWarning = (warning: TfjsEmWarning) => context.progress.warn(withFloorOption(warning.message, floorFrom));
  try {
    await about(subject, () => withFloorAdvice(floorFrom, () => fit({ onStep, onWarning, signal: context.signal })));
    return last;
  } finally {
    context.progress.end();
  }
}

/** PRECISION errors as the command line's advice: raise --variance-floor (of `floorFrom`). */
export async function withFloorAdvice<T>(floorFrom: string, action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    if (!(error instanceof TfjsEmError) || error.code !== 'PRECISION') throw error;
    throw new CliError(floorFrom, withFloorOption(error.message, floorFrom));
  }
}

/** The library's advice about varianceThresholds in the command line's terms: --variance-floor, or the file that set the floor. */
function withFloorOption(message: string, floorFrom: string): string {
  const option = floorFrom.startsWith('--') ? floorFrom : '--variance-floor';
  const raise = floorFrom.startsWith('--') ? `raise ${option}` : `train ${floorFrom} again with a larger ${option}`;
  return message.replace(/raise varianceThresholds( in feature \d+)?/, raise).replace(/varianceThresholds/g, option);
}
