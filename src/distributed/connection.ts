/** Redis connections from redis:// (password in the URL) or rediss:// (TLS) URLs, giving up after a few seconds. */
import { Redis } from 'ioredis';
import { TfjsEmError } from '../errors.js';
import { checkRedisUrl, shownUrl } from './url.js';

/** Reconnection attempts before a connection is given up (about 5 s in all), unless it retries forever. */
const RETRIES = 10;

/**
 * A connection to the server of a redis:// or rediss:// URL, checked first (INVALID_ARGUMENT
 * naming what is wrong, the password left out). A coordinator's gives up after a few seconds
 * of outage; a worker's (`forever`) retries every few seconds for as long as it runs.
 */
export function connect(url: string, options: { forever?: boolean } = {}): Redis {
  checkRedisUrl(url);
  const connection = new Redis(url, {
    maxRetriesPerRequest: null, // BullMQ's blocking commands wait; the retry strategy bounds the wait instead
    retryStrategy: (times) => (options.forever ? Math.min(250 * times, 5000) : times > RETRIES ? null : Math.min(100 * times, 1000)),
    lazyConnect: true,
  });
  connection.on('error', () => {}); // reported through lost() and the failing commands
  return connection;
}

/** Connects and checks the server answers; a clear error otherwise. */
export async function ready(connection: Redis, url: string): Promise<void> {
  let last: unknown;
  const remember = (e: unknown) => (last = e);
  connection.on('error', remember);
  try {
    await connection.connect();
    await connection.ping();
  } catch (error) {
    connection.disconnect();
    throw clusterError(url, `cannot connect to Redis (${reason(last ?? error)})`);
  } finally {
    connection.off('error', remember);
  }
}

/** Rejects once the connection is given up (the server stopped or became unreachable). */
export function lost(connection: Redis, url: string): Promise<never> {
  return new Promise((_, reject) => {
    let last = 'connection closed';
    connection.on('error', (e) => (last = reason(e)));
    connection.on('end', () => reject(clusterError(url, `lost the connection to Redis (${last})`)));
  });
}

export function clusterError(url: string, problem: string): TfjsEmError {
  return new TfjsEmError('CLUSTER', problem, shownUrl(url));
}

function reason(error: unknown): string {
  const e = error as { code?: string; message?: string };
  return e?.code ?? e?.message?.split('\n')[0] ?? String(error);
}

