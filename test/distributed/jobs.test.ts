/** What a worker accepts: job names, payload schemas and sizes, paths under its data root; stale results left out of a sum. */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GMMStats } from '../../src/machines/GMMStats.js';
import { checkShardJob, checkSumJob } from '../../src/distributed/jobs.js';
import { sumChildren } from '../../src/distributed/work.js';
import { PassData } from '../../src/distributed/passData.js';
import type { Redis } from 'ioredis';

const root = mkdtempSync(path.join(tmpdir(), 'tfjs-em-jobs-'));
const inside = path.join(root, 'data', 'a.npy');
mkdirSync(path.dirname(inside));
writeFileSync(inside, '');
const outsideDir = mkdtempSync(path.join(tmpdir(), 'tfjs-em-outside-'));
writeFileSync(path.join(outsideDir, 'b.npy'), '');
symlinkSync(path.join(outsideDir, 'b.npy'), path.join(root, 'data', 'link.npy'));
writeFileSync(path.join(outsideDir, 'c.h5'), '');
symlinkSync(path.join(outsideDir, 'c.h5'), path.join(root, 'data', 'link.h5'));
symlinkSync(outsideDir, path.join(root, 'data', 'out')); // a folder leading out
symlinkSync(path.join(outsideDir, 'gone.npy'), path.join(root, 'data', 'dangling.npy'));
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
  rmSync(outsideDir, { recursive: true, force: true });
});

const job = (over: Record<string, unknown> = {}) => ({ run: 'r1', pass: 3, shard: 0, file: inside, args: {}, ...over });

test('a shard job inside the data root is accepted, with its path resolved', () => {
  expect(checkShardJob('gmm-stats', job(), root)).toMatchObject({ run: 'r1', pass: 3, shard: 0, file: inside });
});

test.each([
  ['an unknown job name', 'eval', job(), /'eval' is not a tfjs-em job/],
  ['a path outside the root', 'shape', job({ file: path.join(root, '..', 'x.npy') }), /outside the worker's data root/],
  ['a link leading outside the root', 'shape', job({ file: path.join(root, 'data', 'link.npy') }), /outside the worker's data root/],
  ['a link leading outside the root, with a :/dataset suffix', 'shape', job({ file: path.join(root, 'data', 'link.h5:/ds') }), /outside the worker's data root/],
  ['a dangling link leading outside the root', 'shape', job({ file: path.join(root, 'data', 'dangling.npy') }), /outside the worker's data root/],
  ['a run id that is not an identifier', 'shape', job({ run: 'a:b c' }), /run is not an identifier/],
  ['a negative shard', 'shape', job({ shard: -1 }), /shard must be an integer/],
  ['a fractional chunk size', 'shape', job({ chunkSize: 1.5 }), /chunkSize must be an integer/],
  ['args that are not an object', 'shape', job({ args: [1] }), /args is not an object/],
  ['a payload that is not an object', 'shape', 'file.npy', /payload is not an object/],
])('a worker refuses %s', (_what, name, data, message) => {
  expect(() => checkShardJob(name, data, root)).toThrow(message);
});

test('through a folder link, a file outside that exists and one that does not get the same message', () => {
  const message = (name: string) => {
    try {
      checkShardJob('shape', job({ file: path.join(root, 'data', 'out', name) }), root);
    } catch (error) {
      return (error as Error).message.replace(name, 'NAME');
    }
    return 'accepted';
  };
  expect(message('b.npy')).toMatch(/outside the worker's data root/);
  expect(message('missing.npy')).toBe(message('b.npy'));
  expect(message('c.h5:/ds')).toBe(message('b.npy'));
});

test('an HDF5 path inside the root keeps its dataset suffix, its file resolved', () => {
  const h5 = path.join(root, 'data', 'x.h5');
  writeFileSync(h5, '');
  const viaDots = path.join(root, 'data', '..', 'data', 'x.h5:/a/b');
  expect(checkShardJob('shape', job({ file: viaDots }), root).file).toBe(`${h5}:/a/b`);
});

test('a sum job checks its counts', () => {
  expect(() => checkSumJob({ run: 'r1', pass: 1, shards: 0, k: 2, d: 2 })).toThrow(/shards must be an integer in \[1/);
});

function stats(seed: number): GMMStats {
  const v = (n: number) => Array.from({ length: n }, (_, i) => seed + i / 7);
  return new GMMStats(2, 3).initFields({ t: 10 * seed, logLikelihood: -seed, n: v(2), sumPx: v(6), sumPxx: v(6) });
}

test('the sum of a flow leaves out stale results (another pass or run) and sums the rest in shard order', async () => {
  const tag = (shard: number, pass = 3, run = 'r1') => ({ run, pass, shard });
  const redis = new MemoryRedis();
  const passData = new PassData(redis as unknown as Redis, 'q');
  await passData.putStats(tag(0), 0, stats(1));
  await passData.putStats(tag(1), 1, stats(2));
  await passData.putStats(tag(0, 2), 0, stats(100)); // an earlier pass
  await passData.putStats(tag(0, 3, 'r2'), 0, stats(200)); // another run
  const children = { a: tag(1), b: tag(0, 2), c: tag(0, 3, 'r2'), d: tag(0) };
  const job = { run: 'r1', pass: 3, shards: 2, k: 2, d: 3 };
  await sumChildren(job, children, passData);
  const sum = (await passData.stats(job, 'sum', 2, 3))!;
  const expected = stats(1).add(stats(2)); // float64, shard 0 then shard 1: exact
  expect([sum.t, sum.logLikelihood, ...sum.n, ...sum.sumPx, ...sum.sumPxx]).toEqual([
    expected.t, expected.logLikelihood, ...expected.n, ...expected.sumPx, ...expected.sumPxx,
  ]);
  // shard 0 answered only for another pass and another run: its statistics of this pass are not taken
  await expect(sumChildren(job, { b: children.b, c: children.c, a: children.a }, passData)).rejects.toThrow(/no result of shard 0 for run r1, pass 3/);
  await passData.clear(job, [0, 1]);
  expect([...redis.values.keys()].sort()).toEqual(['tfjs-em:q:stats:r1:2:0', 'tfjs-em:q:stats:r2:3:0']);
  await expect(passData.stats(job, 0, 3, 2)).resolves.toBeNull();
});

test('statistics of another shape than the job says are refused', async () => {
  const passData = new PassData(new MemoryRedis() as unknown as Redis, 'q');
  await passData.putStats({ run: 'r1', pass: 1 }, 0, stats(1));
  await expect(passData.stats({ run: 'r1', pass: 1 }, 0, 3, 2)).rejects.toThrow(/statistics of shape \[2,3\]; expected \[3,2\]/);
});

/** The few Redis commands PassData uses, on a Map. */
class MemoryRedis {
  readonly values = new Map<string, Buffer>();
  async set(key: string, value: Buffer): Promise<'OK'> {
    this.values.set(key, Buffer.from(value));
    return 'OK';
  }
  async getBuffer(key: string): Promise<Buffer | null> {
    return this.values.get(key) ?? null;
  }
  async del(...keys: string[]): Promise<number> {
    return keys.filter((k) => this.values.delete(k)).length;
  }
}
