/**
 * --redis, --queue and --stall-timeout of the commands that can run on workers, checked before
 * anything is read or connected: one-line errors naming the option.
 */
import { TfjsEmError } from '../errors.js';
import { checkQueueName, checkRedisUrl } from '../distributed/url.js';
import type { ClusterOptions } from '../distributed/cluster.js';
import type { Args } from './args.js';
import type { Context } from './command.js';
import { CliError } from './errors.js';

export const REMOTE_OPTIONS = { redis: 'value', queue: 'value', 'stall-timeout': 'value' } as const;

export function remoteUsage(what: string): string {
  return `  --redis URL          ${what} (see tfjs-em worker); the data paths must be valid on the workers
  --queue NAME         the workers' queue (default tfjs-em)
  --stall-timeout S    fail a pass of the run that makes no progress for S seconds (default 60)`;
}

/** The Redis URL and the coordinator's options, or null without --redis. */
export function remoteOptions(args: Args, context: Context, chunkSize: number | undefined): { url: string; options: ClusterOptions } | null {
  const url = redisOption(args);
  const queue = queueOption(args);
  const stall = args.positiveNumber('stall-timeout');
  if (url === undefined) {
    if (queue !== undefined || stall !== undefined) throw new CliError(queue !== undefined ? '--queue' : '--stall-timeout', 'needs --redis');
    return null;
  }
  const onWait = (line: string) => context.progress.info(line);
  return { url, options: { queue, chunkSize, stallTimeout: stall === undefined ? undefined : stall * 1000, onWait } };
}

export function redisOption(args: Args, required = false): string | undefined {
  const url = required ? args.requiredString('redis') : args.string('redis');
  if (url !== undefined) checked('--redis', () => checkRedisUrl(url));
  return url;
}

export function queueOption(args: Args): string | undefined {
  const queue = args.string('queue');
  if (queue !== undefined) checked('--queue', () => checkQueueName(queue));
  return queue;
}

function checked(option: string, check: () => unknown): void {
  try {
    check();
  } catch (error) {
    if (error instanceof TfjsEmError) throw new CliError(option, error.message.replace(/^queue: /, ''));
    throw error;
  }
}
