/**
 * What a run tells the user while it works, on stderr (stdout is kept for results):
 * on a terminal, one bar redrawn per EM iteration; otherwise one plain line per iteration.
 */
import type { FitStep } from '../machines/GMMMachine.js';
import { printable } from './errors.js';

export interface Progress {
  /** A line of information (not shown with --quiet). */
  info(line: string): void;
  /** A warning: shown with --quiet too, as `tfjs-em: warning: <line>`. */
  warn(line: string): void;
  /** Starts an EM run of at most `maxSteps` steps over `frames` samples; returns the fit's onStep. */
  em(label: string, frames: number, maxSteps: number | null): (step: FitStep) => void;
  /** Ends the current bar, if any. */
  end(): void;
}

type Stream = NodeJS.WriteStream;

export function createProgress(quiet: boolean, stream: Stream = process.stderr): Progress {
  if (quiet) return { info: () => {}, warn: (line) => stream.write(warningLine(line)), em: () => () => {}, end: () => {} };
  return stream.isTTY ? new TerminalProgress(stream) : new LineProgress(stream);
}

/** Timing and wording shared by both displays. */
abstract class BaseProgress implements Progress {
  constructor(protected readonly stream: Stream) {}

  info(line: string): void {
    this.end();
    this.stream.write(`${line}\n`);
  }

  warn(line: string): void {
    this.end();
    this.stream.write(warningLine(line));
  }

  em(label: string, frames: number, maxSteps: number | null): (step: FitStep) => void {
    let last = performance.now();
    return (step) => {
      const now = performance.now();
      const rate = (frames * 1000) / Math.max(now - last, 1e-3);
      last = now;
      this.show(step.start === undefined ? label : `${label} (start ${step.start})`, step, maxSteps, describeStep(step, rate));
    };
  }

  end(): void {}

  protected abstract show(label: string, step: FitStep, maxSteps: number | null, text: string): void;
}

class LineProgress extends BaseProgress {
  protected show(label: string, step: FitStep, maxSteps: number | null, text: string): void {
    this.stream.write(`${label}: step ${step.step}${maxSteps === null ? '' : `/${maxSteps}`}  ${text}\n`);
  }
}

class TerminalProgress extends BaseProgress {
  private open = false;

  protected show(label: string, step: FitStep, maxSteps: number | null, text: string): void {
    const width = 24;
    const filled = maxSteps === null ? width : Math.round((width * step.step) / maxSteps);
    const bar = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
    const count = `${step.step}${maxSteps === null ? '' : `/${maxSteps}`}`;
    // \r and "erase line" redraw the bar in place.
    this.stream.write(`\r\x1b[K${label} ${bar} ${count}  ${text}`);
    this.open = true;
  }

  override end(): void {
    if (this.open) this.stream.write('\n');
    this.open = false;
  }
}

function describeStep(step: FitStep, framesPerSecond: number): string {
  const convergence = step.convergenceValue === null ? '-' : step.convergenceValue.toExponential(2);
  return `avg log-likelihood ${step.averageLogLikelihood.toFixed(6)}  convergence ${convergence}  ${formatRate(framesPerSecond)} frames/s`;
}

function formatRate(rate: number): string {
  if (rate >= 1e6) return `${(rate / 1e6).toFixed(2)}M`;
  if (rate >= 1e3) return `${(rate / 1e3).toFixed(1)}k`;
  return rate.toFixed(0);
}

function warningLine(line: string): string {
  return `tfjs-em: warning: ${printable(line)}\n`;
}
