/**
 * Redis URLs and queue names: checked, and shown without the password. Kept apart from the
 * modules that connect, so that the CLI loads it without BullMQ or ioredis.
 */
import { TfjsEmError, invalidArgument } from '../errors.js';

/** A Redis URL as messages show it: without its password. */
export function shownUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.hash === '') {
      if (u.password) u.password = '***';
      return u.toString().replace(/\/$/, '');
    }
  } catch {
    // not a URL: hide everything up to the last '@'
  }
  return url.replace(/\/\/.*@/, '//***@');
}

/** A Redis URL as ioredis takes it: redis:// or rediss://, a host, a numeric port, a database number. */
export function checkRedisUrl(url: string): void {
  const bad = (problem: string) => new TfjsEmError('INVALID_ARGUMENT', `${shownUrl(url)}: ${problem}`);
  if (!/^rediss?:\/\//.test(url)) throw bad('expected a redis:// or rediss:// URL');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw bad('not a valid URL (percent-encode special characters in the password: @ as %40, : as %3A, / as %2F, # as %23)');
  }
  if (parsed.hash !== '') throw bad("'#' ends a URL: percent-encode it in the password, as %23");
  if (parsed.hostname === '') throw bad('no host');
  if (parsed.pathname !== '' && parsed.pathname !== '/' && !/^\/\d+$/.test(parsed.pathname)) throw bad(`'${parsed.pathname.slice(1)}' is not a database number`);
}

/** A BullMQ queue name: 1 to 100 characters, no ':' (BullMQ's key separator), no spaces or control characters. */
export function checkQueueName(name: string): string {
  if (typeof name !== 'string' || !/^[^:\s\u0000-\u001f\u007f]{1,100}$/.test(name)) {
    throw invalidArgument(`queue: ${JSON.stringify(name)} is not a queue name (1 to 100 characters, no ':' or spaces)`);
  }
  return name;
}
