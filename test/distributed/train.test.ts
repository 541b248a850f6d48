/**
 * train --redis on tfjs-em workers against a private redis-server: the same model as a local
 * train on the same files (the reference), also when a worker is SIGKILLed mid-job, and clear
 * one-line failures for a bad shard, an unreachable or killed Redis, and a refused path.
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { GMMMachine } from '../../src/machines/GMMMachine.js';
import { expectClose } from '../helpers/expectClose.js';
import { buildOnce, tfjsEm } from '../cli/cli.js';
import { blobs, tempDir, writeNpy } from '../cli/fixtures.js';
import { expectOk, freePort, parameters, startRedis, startWorker, withRedis, type RedisServer, type WorkerProcess } from './redis.js';

const dir = tempDir();
const shardDir = path.join(dir, 'shards');
mkdirSync(shardDir);
const centres = [[0, 0, 0, 0], [5, 5, 5, 5], [-5, 5, 0, 2], [2, -4, 3, -3]];
const shards = [0, 1, 2, 3].map((i) => writeNpy(path.join(shardDir, `s${i}.npy`), blobs(centres, 100 + 20 * i, 10 + i)));

withRedis(() => {
  let redis: RedisServer;
  let workers: WorkerProcess[] = [];
  let localModel: string;

  beforeAll(async () => {
    await buildOnce();
    redis = await startRedis();
    workers = await Promise.all([startWorker(redis.url), startWorker(redis.url)]);
    localModel = path.join(dir, 'local.h5');
    expectOk(await tfjsEm(['train', '--data', shardDir, '--gaussians', '4', '--steps', '6', '--threshold', '0', '--out', localModel, '-q']));
  }, 300_000);

  afterAll(async () => {
    const codes = await Promise.all(workers.map((w) => w.stop()));
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
    expect(codes).toEqual(workers.map(() => 0)); // SIGTERM: the current job is finished, exit 0
  });

  test('train --redis with k-means start on two workers gives the local model', async () => {
    const out = path.join(dir, 'remote.h5');
    const run = await tfjsEm(['train', '--redis', redis.url, '--data', ...shards, '--gaussians', '4', '--steps', '6', '--threshold', '0', '--out', out, '--format', 'json']);
    expectOk(run);
    expect(JSON.parse(run.stdout)).toMatchObject({ frames: 4 * (100 + 120 + 140 + 160) });
    expectClose(await parameters(out), await parameters(localModel), 1e-6);
    expect(await parameters(out)).toEqual(await parameters(localModel));
    for (const w of workers) expect(w.stderr()).toMatch(/gmm-stats .*s\d\.npy started/); // both took part
  });

  test('adapt --redis: one job per file, the same models as a local adapt', async () => {
    const local = path.join(dir, 'models-local');
    const remote = path.join(dir, 'models-remote');
    expectOk(await tfjsEm(['adapt', '--ubm', localModel, '--data', shardDir, '--out', local, '--steps', '3', '-q']));
    const run = await tfjsEm(['adapt', '--redis', redis.url, '--ubm', localModel, '--data', shardDir, '--out', remote, '--steps', '3', '--format', 'json']);
    expectOk(run);
    expect(JSON.parse(run.stdout).models.map((m: { model: string }) => m.model)).toEqual(['s0.h5', 's1.h5', 's2.h5', 's3.h5']);
    const ubm = await GMMMachine.fromHDF5(localModel);
    for (const name of ['s0.h5', 's1.h5', 's2.h5', 's3.h5']) {
      const a = await GMMMachine.fromHDF5(path.join(remote, name), ubm);
      const b = await GMMMachine.fromHDF5(path.join(local, name), ubm);
      expectClose([...a.means, ...a.variances, ...a.weights], [...b.means, ...b.variances, ...b.weights], 1e-6);
    }
  });

  test('--weights travel to the workers: train --redis and adapt --redis give the local weighted models', async () => {
    const weights = shards.map((_, s) => {
      const file = path.join(dir, `w${s}.csv`);
      const n = 4 * (100 + 20 * s);
      writeFileSync(file, Array.from({ length: n }, (_, i) => ((i * 13 + s) % 5) / 2).join('\n') + '\n');
      return file;
    });
    const [local, remote] = [path.join(dir, 'weighted-local.h5'), path.join(dir, 'weighted-remote.h5')];
    const common = ['--data', ...shards, '--weights', ...weights, '--gaussians', '4', '--steps', '4', '--threshold', '0', '-q'];
    expectOk(await tfjsEm(['train', ...common, '--out', local]));
    expectOk(await tfjsEm(['train', '--redis', redis.url, ...common, '--out', remote]));
    expectClose(await parameters(remote), await parameters(local), 1e-6);
    const [adaptedLocal, adaptedRemote] = [path.join(dir, 'wa-local'), path.join(dir, 'wa-remote')];
    const adapt = ['adapt', '--ubm', localModel, '--data', ...shards, '--weights', ...weights, '--steps', '2', '-q'];
    expectOk(await tfjsEm([...adapt, '--out', adaptedLocal]));
    expectOk(await tfjsEm([...adapt, '--redis', redis.url, '--out', adaptedRemote]));
    const ubm = await GMMMachine.fromHDF5(localModel);
    const a = await GMMMachine.fromHDF5(path.join(adaptedRemote, 's1.h5'), ubm);
    const b = await GMMMachine.fromHDF5(path.join(adaptedLocal, 's1.h5'), ubm);
    expectClose([...a.means, ...a.variances, ...a.weights], [...b.means, ...b.variances, ...b.weights], 1e-6);
  });

  test.each(['full', 'tied'])('train --redis --covariance %s: the local model, statistics pooled or per Gaussian', async (type) => {
    const [local, remote] = [path.join(dir, `${type}-local.h5`), path.join(dir, `${type}-remote.h5`)];
    const common = ['--data', ...shards, '--gaussians', '4', '--covariance', type, '--steps', '4', '--threshold', '0', '-q'];
    expectOk(await tfjsEm(['train', ...common, '--out', local]));
    expectOk(await tfjsEm(['train', '--redis', redis.url, ...common, '--out', remote]));
    const [a, b] = [await GMMMachine.fromHDF5(remote), await GMMMachine.fromHDF5(local)];
    expect([a.covarianceType, b.covarianceType]).toEqual([type, type]);
    expectClose([...a.weights, ...a.means, ...a.covariances], [...b.weights, ...b.means, ...b.covariances], 1e-6, 1e-9);
  });

  test('two runs on one Redis at once do not mix', async () => {
    const other = path.join(dir, 'local-k3.h5');
    expectOk(await tfjsEm(['train', '--data', ...shards.slice(0, 3), '--gaussians', '3', '--steps', '4', '--out', other, '-q']));
    const a = path.join(dir, 'run-a.h5');
    const b = path.join(dir, 'run-b.h5');
    const [ra, rb] = await Promise.all([
      tfjsEm(['train', '--redis', redis.url, '--data', shardDir, '--gaussians', '4', '--steps', '6', '--threshold', '0', '--out', a, '-q']),
      tfjsEm(['train', '--redis', redis.url, '--data', ...shards.slice(0, 3), '--gaussians', '3', '--steps', '4', '--out', b, '-q']),
    ]);
    expectOk(ra);
    expectOk(rb);
    expectClose(await parameters(a), await parameters(localModel), 1e-6);
    expectClose(await parameters(b), await parameters(other), 1e-6);
  });

  test('a missing shard fails the run with one line naming it; nothing is written', async () => {
    const missing = path.join(dir, 'nowhere', 'gone.npy');
    const out = path.join(dir, 'never.h5');
    const run = await tfjsEm(['train', '--redis', redis.url, '--data', shards[0], missing, '--gaussians', '2', '--out', out]);
    expect(run.code).toBe(1);
    expect(run.errLines.filter((l) => l.startsWith('tfjs-em:'))).toEqual([`tfjs-em: ${missing}: no such file`]);
    expect(existsSync(out)).toBe(false);
  });

  test('a corrupt shard fails the run with one line naming it, without retries', async () => {
    const corrupt = path.join(dir, 'corrupt.npy');
    writeFileSync(corrupt, 'this is not a .npy file');
    const out = path.join(dir, 'never.h5');
    const run = await tfjsEm(['train', '--redis', redis.url, '--data', corrupt, shards[1], '--gaussians', '2', '--out', out]);
    expect(run.code).toBe(1);
    const lines = run.errLines.filter((l) => l.startsWith('tfjs-em:'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^tfjs-em: ${corrupt}: `));
    expect(existsSync(out)).toBe(false);
    const attempts = workers.map((w) => w.stderr().split('\n').filter((l) => l.includes(corrupt) && l.endsWith('started')).length);
    expect(attempts.reduce((a, b) => a + b)).toBe(1);
  });

  test('Redis unreachable: a clear error, no output file', async () => {
    const port = await freePort();
    const out = path.join(dir, 'never.h5');
    const run = await tfjsEm(['train', '--redis', `redis://127.0.0.1:${port}`, '--data', shardDir, '--gaussians', '2', '--out', out]);
    expect(run.code).toBe(1);
    expect(run.errLines).toEqual([`tfjs-em: redis://127.0.0.1:${port}: cannot connect to Redis (ECONNREFUSED)`]);
    expect(existsSync(out)).toBe(false);
  });
});
