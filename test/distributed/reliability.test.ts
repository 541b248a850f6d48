/**
 * Distributed runs end, and workers survive: option errors before anything connects; a run with
 * no worker, a Redis flushed or restarted mid-run (errors naming the cause, never an endless
 * wait); a worker through a Redis outage (no spinning, signals answered, back to work when Redis
 * is); a SIGKILLed worker's job taken over within 15 s under the default lock; jobs bounded
 * (2^20 copies of a row); a shard replaced mid-run; BullMQ's events stream kept small; a job whose
 * data is not JSON failed; no data value in what a worker writes to Redis about a failure.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Queue, QueueEvents } from 'bullmq';
import { Cluster } from '../../src/distributed/cluster.js';
import { parseDataSpec, readData } from '../../src/io/data/read.js';
import { Redis } from 'ioredis';
import { buildOnce, tfjsEm } from '../cli/cli.js';
import { blobs, csvText, tempDir, writeNpy } from '../cli/fixtures.js';
import { cpuSeconds, expectOk, residentMB, startRedis, startWorker, stopProcess, withRedis, type RedisServer, type WorkerProcess } from './redis.js';

const dir = tempDir();
const shardDir = path.join(dir, 'shards');
mkdirSync(shardDir);
const centres = Array.from({ length: 4 }, (_, i) => Array.from({ length: 8 }, (_, j) => ((i * 5 + j * 3) % 7) - 3));
const shards = [0, 1, 2].map((i) => writeNpy(path.join(shardDir, `s${i}.npy`), blobs(centres, 400, 30 + i)));
/** Shards whose e-steps take a while (a worker is found busy in one). */
const wide = Array.from({ length: 16 }, (_, i) => Array.from({ length: 32 }, (_, j) => ((i * 7 + j) % 13) - 6));
const big = writeNpy(path.join(dir, 'big.npy'), blobs(wide, 6000, 3));
const big2 = writeNpy(path.join(dir, 'big2.npy'), blobs(wide, 6000, 4));

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The first tfjs-em error line of a run. */
const errorLine = (stderr: string) => stderr.split('\n').find((l) => l.startsWith('tfjs-em:') && !l.startsWith('tfjs-em: warning'));

describe('--redis and --queue are checked before anything runs (one line naming the option)', () => {
  beforeAll(buildOnce, 300_000);
  const data = () => ['--data', shards[0], '--gaussians', '2', '--out', path.join(dir, 'never.h5')];

  test.each([
    [['--queue', 'a:b'], /^tfjs-em: --queue: "a:b" is not a queue name \(1 to 100 characters, no ':' or spaces\)$/],
    [['--queue', ''], /^tfjs-em: --queue: "" is not a queue name/],
    [['--redis', 'redis://:p/ss@127.0.0.1:6379'], /^tfjs-em: --redis: .*not a valid URL \(percent-encode special characters in the password/],
    [['--redis', 'redis://:p@ss#w@127.0.0.1:6379'], /^tfjs-em: --redis: .*'#' ends a URL: percent-encode it in the password, as %23$/],
    [['--redis', 'redis://127.0.0.1:port'], /^tfjs-em: --redis: redis:\/\/127\.0\.0\.1:port: not a valid URL/],
    [['--redis', 'http://127.0.0.1:6379'], /^tfjs-em: --redis: http:\/\/127\.0\.0\.1:6379: expected a redis:\/\/ or rediss:\/\/ URL$/],
  ])('train %j', async (options, message) => {
    const withRedisUrl = options.includes('--redis') ? options : ['--redis', 'redis://127.0.0.1:1', ...options];
    const run = await tfjsEm(['train', ...withRedisUrl, ...data()]);
    expect({ code: run.code, lines: run.errLines }).toEqual({ code: 1, lines: [expect.stringMatching(message)] });
  });

  test('worker --queue a:b exits at once with the same line', async () => {
    const run = await tfjsEm(['worker', '--redis', 'redis://127.0.0.1:1', '--queue', 'a:b']);
    expect({ code: run.code, lines: run.errLines }).toEqual({ code: 1, lines: [expect.stringMatching(/^tfjs-em: --queue: "a:b" is not a queue name/)] });
  });
});

withRedis(() => {
  const started: WorkerProcess[] = [];
  let init: string;

  beforeAll(async () => {
    await buildOnce();
    init = path.join(dir, 'init.h5');
    expectOk(await tfjsEm(['train', '--data', shardDir, '--gaussians', '4', '--steps', '1', '--out', init, '-q']));
  }, 300_000);

  afterAll(async () => {
    await Promise.all(started.map((w) => stopProcess(w.child, 'SIGKILL')));
    rmSync(dir, { recursive: true, force: true });
  });

  async function withServer(body: (redis: RedisServer) => Promise<void>): Promise<void> {
    const redis = await startRedis();
    try {
      await body(redis);
    } finally {
      await redis.stop();
    }
  }

  async function worker(url: string, extra: string[] = []): Promise<WorkerProcess> {
    const w = await startWorker(url, extra);
    started.push(w);
    return w;
  }

  test("a job's completion event missed by the coordinator: the pass ends from the job's state, with its result", async () => {
    await withServer(async (redis) => {
      await worker(redis.url);
      const cluster = await Cluster.connect(redis.url, { stallTimeout: 60_000 });
      // Events of another queue: the completion of this run's jobs never arrives.
      const own = cluster['events'] as QueueEvents;
      const connection = new Redis(redis.url, { maxRetriesPerRequest: null });
      const deaf = new QueueEvents('another-queue', { connection });
      await deaf.waitUntilReady();
      Object.assign(cluster, { events: deaf });
      try {
        const t0 = performance.now();
        const data = await cluster.data([shards[0], shards[1]]);
        const rows = await Promise.all([shards[0], shards[1]].map(async (f) => (await readData(parseDataSpec(f))).shape[0]));
        expect([data.nSamples, data.nFeatures]).toEqual([rows[0] + rows[1], 8]);
        expect(performance.now() - t0).toBeLessThan(15_000); // polls of 1 s, not the 60 s stall limit
      } finally {
        Object.assign(cluster, { events: own });
        await deaf.close();
        connection.disconnect(); // a connection handed in is the caller's to close
        await cluster.close();
      }
    });
  });

  test('no worker on the queue: the run says so, then fails once the pass stalls', async () => {
    await withServer(async (redis) => {
      const t0 = performance.now();
      const run = await tfjsEm(['train', '--redis', redis.url, '--data', shardDir, '--init', init, '--stall-timeout', '3', '--out', path.join(dir, 'never.h5')]);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/no worker listens on queue tfjs-em at redis:\/\/127\.0\.0\.1:\d+: waiting/);
      expect(errorLine(run.stderr)).toMatch(/^tfjs-em: redis:\/\/127\.0\.0\.1:\d+: pass 1 made no progress for 3 s \(jobs: 1 waiting; no worker listens on the queue\) on queue tfjs-em$/);
      expect(performance.now() - t0).toBeLessThan(20_000);
    });
  });

  /**
   * Runs a training whose worker is held (SIGSTOP) while it has a job of the second pass in hand,
   * does `meddle` to Redis, lets the worker go on, and returns the run.
   */
  async function meddleMidPass(redis: RedisServer, meddle: () => Promise<void>, data = big) {
    const w = await worker(redis.url);
    let held = false;
    const run = tfjsEm(['train', '--redis', redis.url, '--data', data, '--init', await bigInit(), '--steps', '100000', '--threshold', '0', '--stall-timeout', '20', '--out', path.join(dir, 'never.h5')], {
      onStderr: (text) => {
        if (!held && /EM: step 1\//.test(text)) {
          held = true;
          // (the run may end first: then the worker is never held, and the test's expectations fail)
          void w.waitFor(/(gmm-stats .*started[^]*){2}/).then(async () => {
            w.child.kill('SIGSTOP');
            await meddle();
            w.child.kill('SIGCONT');
          }, () => {});
        }
      },
    });
    return { worker: w, run: await run };
  }

  test('Redis flushed while a pass is in flight: the run fails naming the cause', async () => {
    await withServer(async (redis) => {
      const admin = new Redis(redis.url);
      const t0 = performance.now();
      const { run } = await meddleMidPass(redis, async () => void (await admin.flushall()));
      admin.disconnect();
      expect(run.code).toBe(1);
      expect(errorLine(run.stderr)).toMatch(/: job \S+ of pass \d+ is gone from Redis: the server restarted or was flushed during the run$/);
      expect(performance.now() - t0).toBeLessThan(60_000);
    });
  });

  test('Redis restarted while a pass is in flight: the run fails, and the worker goes on once Redis is back', async () => {
    let redis = await startRedis();
    try {
      const { worker: w, run } = await meddleMidPass(redis, async () => {
        await redis.stop();
        redis = await startRedis([], undefined, undefined, redis.port);
      });
      expect(run.code).toBe(1);
      expect(errorLine(run.stderr)).toMatch(/is gone from Redis: the server restarted or was flushed during the run$|lost the connection to Redis/);
      await w.waitFor(/Redis at .* is back/, 30_000);
      expectOk(await tfjsEm(['train', '--redis', redis.url, '--data', shardDir, '--init', init, '--steps', '2', '--out', path.join(dir, 'after.h5'), '-q']));
    } finally {
      await redis.stop();
    }
  });

  test('a worker busy in an e-step when Redis dies: no spinning, SIGTERM answered at once', async () => {
    await withServer(async (redis) => {
      const w = await worker(redis.url);
      const run = tfjsEm(['train', '--redis', redis.url, '--data', big, '--init', await bigInit(), '--steps', '100000', '--threshold', '0', '--out', path.join(dir, 'never.h5')]);
      await w.waitFor(/gmm-stats .*big\.npy started/);
      await redis.stop();
      await w.waitFor(/lost Redis at .*: waiting for it/, 15_000);
      await sleep(1500); // the e-step in hand ends; then the worker only waits
      const before = cpuSeconds(w.child.pid!);
      await sleep(2000);
      expect(cpuSeconds(w.child.pid!) - before).toBeLessThan(0.4); // under a fifth of a core
      const t0 = performance.now();
      await w.stop();
      expect(performance.now() - t0).toBeLessThan(5000);
      expect((await run).code).toBe(1);
    });
  });

  test("a SIGKILLed worker costs at most 15 s under the default lock: another takes its job over", async () => {
    await withServer(async (redis) => {
      const doomed = await worker(redis.url);
      const rescuer = await worker(redis.url);
      const run = tfjsEm(['train', '--redis', redis.url, '--data', big, big2, '--init', await bigInit(), '--steps', '2', '--out', path.join(dir, 'rescued.h5'), '-q']);
      const started = /job (\S+) gmm-stats \S*big\.npy started/;
      while (![doomed, rescuer].some((w) => started.test(w.stderr()))) await sleep(20);
      const [busy, other] = started.test(doomed.stderr()) ? [doomed, rescuer] : [rescuer, doomed];
      const job = started.exec(busy.stderr())![1];
      busy.child.kill('SIGKILL');
      const killedAt = performance.now();
      await other.waitFor(new RegExp(`job ${job} gmm-stats`), 20_000);
      expect(performance.now() - killedAt).toBeLessThan(15_000);
      expectOk(await run);
    });
  });

  let bigStart: string | undefined;
  /** A start for the wide shards, trained once on a sample of them. */
  async function bigInit(): Promise<string> {
    if (bigStart === undefined) {
      const file = path.join(dir, 'big-init.h5');
      const sample = writeNpy(path.join(dir, 'big-sample.npy'), blobs(wide, 100, 5)); // k-means on all of big takes long
      expectOk(await tfjsEm(['train', '--data', sample, '--gaussians', '16', '--steps', '1', '--out', file, '-q']));
      bigStart = file;
    }
    return bigStart;
  }

  test('a rows job asking 2^20 copies of one row fails at once; the worker stays small', async () => {
    await withServer(async (redis) => {
      const w = await worker(redis.url);
      const connection = new Redis(redis.url, { maxRetriesPerRequest: null });
      const queue = new Queue('tfjs-em', { connection });
      try {
        const job = await queue.add('rows', { run: 'r1', pass: 1, shard: 0, file: big, args: { indices: new Array(2 ** 20).fill(0) } });
        for (let i = 0; i < 300 && (await queue.getJobState(job.id!)) !== 'failed'; i++) await sleep(100);
        expect((await queue.getJob(job.id!))?.failedReason).toMatch(/^job payload: indices must be an array of at most \d+ row numbers$/);
        expect(residentMB(w.child.pid!)).toBeLessThan(600);
      } finally {
        await queue.close();
        connection.disconnect();
      }
    });
  });

  test('a job whose data is not JSON fails instead of staying active', async () => {
    await withServer(async (redis) => {
      const connection = new Redis(redis.url, { maxRetriesPerRequest: null });
      const queue = new Queue('tfjs-em', { connection });
      try {
        await queue.add('shape', { run: 'r1', pass: 1, shard: 0, file: big, args: {} }, { jobId: 'broken' });
        await connection.hset(queue.toKey('broken'), 'data', '{not json');
        await worker(redis.url);
        for (let i = 0; i < 100 && (await queue.getJobState('broken')) !== 'failed'; i++) await sleep(100);
        expect(await queue.getJobState('broken')).toBe('failed');
        expect(await connection.hget(queue.toKey('broken'), 'failedReason')).toBe("job payload: the job's data is not JSON");
      } finally {
        await queue.close();
        connection.disconnect();
      }
    });
  });

  test('a shard replaced mid-run (same width, other rows): the run fails naming it', async () => {
    await withServer(async (redis) => {
      const moving = writeNpy(path.join(dir, 'moving.npy'), blobs(wide, 6000, 90));
      const { run } = await meddleMidPass(redis, async () => void writeNpy(moving, blobs(wide, 6000, 91)), moving);
      expect(run.code).toBe(1);
      expect(errorLine(run.stderr)).toBe(`tfjs-em: ${moving}: changed since the run began (its samples differ from its first pass's); start the run again`);
    });
  });

  test("after a run, BullMQ's events stream holds no results (k-means start: a distance per sample went through it)", async () => {
    await withServer(async (redis) => {
      await worker(redis.url);
      expectOk(await tfjsEm(['train', '--redis', redis.url, '--data', big, '--gaussians', '4', '--steps', '1', '--out', path.join(dir, 'events.h5'), '-q']));
      const admin = new Redis(redis.url);
      const bytes = Number(await admin.call('MEMORY', 'USAGE', 'bull:tfjs-em:events'));
      const keys = await admin.keys('tfjs-em:*');
      admin.disconnect();
      expect(bytes).toBeLessThan(256 * 1024); // the distances of one k-means|| round alone are 8 x 96000 bytes
      expect(keys).toEqual([]); // every pass cleared its model, statistics and results
    });
  });

  test('a CSV shard with a bad token: the run names line and field, and the token stays in the worker', async () => {
    await withServer(async (redis) => {
      const w = await worker(redis.url);
      const csv = path.join(dir, 'secret.csv');
      writeFileSync(csv, `${csvText({ data: Float64Array.of(1, 2, 3, 4), shape: [2, 2] })}5,SECRET-7f3a\n`);
      const run = await tfjsEm(['train', '--redis', redis.url, '--data', csv, '--gaussians', '1', '--out', path.join(dir, 'never.h5')]);
      expect(run.code).toBe(1);
      expect(errorLine(run.stderr)).toBe(`tfjs-em: ${csv}: line 3: field 2 is not a number`);
      expect(w.stderr()).toContain('"SECRET-7f3a" is not a number');
      const admin = new Redis(redis.url);
      const failed = await admin.keys('bull:tfjs-em:*');
      const values = await Promise.all(failed.filter((k) => /:\d+$|-\d+$/.test(k)).map((k) => admin.hgetall(k).catch(() => ({}))));
      admin.disconnect();
      expect(JSON.stringify(values)).not.toContain('SECRET');
    });
  });
});
