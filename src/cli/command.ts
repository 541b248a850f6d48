/** What every command file exports, and what main gives it to run. */
import type { Args, OptionSpec } from './args.js';
import type { Result } from './format.js';
import type { Progress } from './progress.js';

export interface Context {
  progress: Progress;
  /** Aborted by Ctrl-C: k-means and EM stop within the current pass and nothing is written. */
  signal: AbortSignal;
  /** Selects --backend (or the default) and returns the name of the backend in use. */
  backend(): Promise<string>;
}

export interface Command {
  name: string;
  /** One line for `tfjs-em --help`. */
  summary: string;
  /** The text of `tfjs-em <command> --help`. */
  usage: string;
  /** The command's own options; main adds --quiet, --format and --help. */
  options: OptionSpec;
  /** How many positional arguments it takes (default 0: info's FILE, ivector's action). */
  positionals?: number;
  run(args: Args, context: Context): Promise<Result>;
}

/** Options of the commands that compute on a TensorFlow.js backend. */
export const DEVICE_OPTIONS: OptionSpec = { backend: 'value', 'chunk-size': 'value' };
export const DEVICE_USAGE = `  --backend NAME       cpu, wasm, webgl, webgpu, tensorflow or auto (default: $TFJS_EM_BACKEND, else auto)
  --chunk-size N       rows per device chunk (default: chosen from the device limits)`;
