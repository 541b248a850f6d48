/**
 * A Redis URL as messages show it: without its password. Kept apart from the modules that
 * connect, so that the CLI loads it without BullMQ or ioredis.
 */
export function shownUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString().replace(/\/$/, '');
  } catch {
    return url.replace(/\/\/[^@/]*@/, '//***@');
  }
}
