/**
 * The back-ends' training on two tfjs-em workers, one job per list: isv train --redis, jfa train
 * --redis and ivector train --redis give the machine of a local train on the same statistics (the
 * shards' sums added in another order: 1e-10); a speaker in two lists, and a list naming a file
 * outside a worker's --data-root, fail with one line naming them.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ISVMachine } from '../../src/machines/factorAnalysis/ISVMachine.js';
import { JFAMachine } from '../../src/machines/factorAnalysis/JFAMachine.js';
import { IVectorMachine } from '../../src/machines/IVectorMachine.js';
import { GMMMachine } from '../../src/machines/GMMMachine.js';
import type { Cluster } from '../../src/distributed/cluster.js';
import { fitIVectorOnCluster } from '../../src/distributed/ivector.js';
import { expectClose } from '../helpers/expectClose.js';
import { buildOnce, tfjsEm } from '../cli/cli.js';
import { blobs, tempDir, writeNpy } from '../cli/fixtures.js';
import { expectOk, startRedis, startWorker, withRedis, type RedisServer, type WorkerProcess } from './redis.js';

const dir = tempDir();
const ubmFile = path.join(dir, 'ubm.h5');
const SPEAKERS = ['ann', 'ben', 'cid', 'dot'];
const lists = [path.join(dir, 'a.lst'), path.join(dir, 'b.lst')];

/** Four speakers of three sessions, the first two in a.lst, the others in b.lst (paths relative to the lists). */
async function prepare(): Promise<void> {
  const world = blobs([[0, 0, 0], [6, 6, 6], [-6, 6, 0]], 100, 5);
  expectOk(await tfjsEm(['train', '--data', writeNpy(path.join(dir, 'x.npy'), world), '--gaussians', '3', '--steps', '8', '--out', ubmFile, '-q']));
  const lines: string[][] = [[], []];
  for (const [s, name] of SPEAKERS.entries()) {
    mkdirSync(path.join(dir, 'stats', name), { recursive: true });
    for (let h = 0; h < 3; h++) {
      const shift = [0, 1, 2].map((j) => (j === s % 3 ? 2 : 0) + 0.4 * h * (j === 2 - (s % 3) ? 1 : 0) - (s === 3 ? 1 : 0));
      const x = blobs([[0, 0, 0], [6, 6, 6], [-6, 6, 0]].map((c) => c.map((v, j) => v + shift[j])), 12, 40 * s + h);
      const file = path.join('stats', name, `s${h}.h5`);
      expectOk(await tfjsEm(['stats', '--model', ubmFile, '--data', writeNpy(path.join(dir, `${name}${h}.npy`), x), '--out', path.join(dir, file), '-q']));
      lines[s < 2 ? 0 : 1].push(`${name} ${file}`);
    }
  }
  lists.forEach((list, i) => writeFileSync(list, lines[i].join('\n') + '\n'));
}

test("a model whose shard sums exceed one Redis value is refused before anything runs (C 512, D 60, R 460)", async () => {
  const ubm = new GMMMachine(512);
  ubm.means = new Float64Array(512 * 60);
  ubm.variances = new Float64Array(512 * 60).fill(1);
  const machine = new IVectorMachine(ubm, { dimT: 460 });
  await expect(fitIVectorOnCluster(machine, {} as Cluster, ['a.lst'], () => {})).rejects.toThrow(
    "a shard's i-vector sums would hold 68449792 values (C 512, D 60, R 460); a Redis value holds at most 67108864: lower the rank or train on one machine",
  );
  expect(machine.T).toBeNull();
  ubm.dispose();
});

withRedis(() => {
  let redis: RedisServer;
  let workers: WorkerProcess[] = [];

  beforeAll(async () => {
    await buildOnce();
    await prepare();
    redis = await startRedis();
    workers = await Promise.all([startWorker(redis.url), startWorker(redis.url)]);
  }, 300_000);

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('isv train --redis: the local machine (1e-10); both workers took part', async () => {
    const [local, remote] = [path.join(dir, 'isv-local.h5'), path.join(dir, 'isv-remote.h5')];
    const common = ['isv', 'train', '--ubm', ubmFile, '--list', ...lists, '--u-rank', '2', '--steps', '3'];
    expectOk(await tfjsEm([...common, '--out', local, '-q']));
    const run = await tfjsEm([...common, '--redis', redis.url, '--out', remote, '--format', 'json']);
    expectOk(run);
    expect(JSON.parse(run.stdout)).toMatchObject({ speakers: 4, sessions: 12, uRank: 2, steps: 3 });
    const [a, b] = await Promise.all([ISVMachine.fromHDF5(local), ISVMachine.fromHDF5(remote)]);
    expectClose(b.U, a.U, 1e-10, 1e-12);
    expect(Array.from(b.D)).toEqual(Array.from(a.D));
    for (const w of workers) expect(w.stderr()).toMatch(/fa-stats .*\.lst started/);
    a.dispose();
    b.dispose();
  });

  test('jfa train --redis: the local machine, V, U and D (1e-10)', async () => {
    const [local, remote] = [path.join(dir, 'jfa-local.h5'), path.join(dir, 'jfa-remote.h5')];
    const common = ['jfa', 'train', '--ubm', ubmFile, '--list', ...lists, '--u-rank', '2', '--v-rank', '1', '--steps', '2', '-q'];
    expectOk(await tfjsEm([...common, '--out', local]));
    expectOk(await tfjsEm([...common, '--redis', redis.url, '--out', remote]));
    const [a, b] = await Promise.all([JFAMachine.fromHDF5(local), JFAMachine.fromHDF5(remote)]);
    for (const key of ['V', 'U', 'D'] as const) expectClose(b[key], a[key], 1e-10, 1e-12);
    a.dispose();
    b.dispose();
  });

  test('ivector train --redis: the local T and Sigma (1e-10); lists of plain paths', async () => {
    const ivLists = [0, 1].map((i) => {
      const file = path.join(dir, `iv${i}.lst`);
      const sessions = SPEAKERS.slice(2 * i, 2 * i + 2).flatMap((name) => [0, 1, 2].map((h) => `stats/${name}/s${h}.h5`));
      writeFileSync(file, `# one utterance per line\n${sessions.join('\n')}\n`);
      return file;
    });
    const [local, remote] = [path.join(dir, 'tv-local.h5'), path.join(dir, 'tv-remote.h5')];
    const common = ['ivector', 'train', '--ubm', ubmFile, '--dim', '2', '--steps', '3', '--seed', '5'];
    expectOk(await tfjsEm([...common, '--stats', ...SPEAKERS.map((name) => path.join(dir, 'stats', name)), '--out', local, '-q']));
    const run = await tfjsEm([...common, '--redis', redis.url, '--list', ...ivLists, '--out', remote, '--format', 'json']);
    expectOk(run);
    expect(JSON.parse(run.stdout)).toMatchObject({ utterances: 12, dimT: 2, steps: 3 });
    const [a, b] = await Promise.all([IVectorMachine.fromHDF5(local), IVectorMachine.fromHDF5(remote)]);
    expectClose(b.T!, a.T!, 1e-10, 1e-12);
    expectClose(b.sigma!, a.sigma!, 1e-10, 1e-12);
    a.dispose();
    b.dispose();
  });

  test('a speaker in two lists, and a list naming a file outside a worker\'s --data-root, fail with one line', async () => {
    const twice = path.join(dir, 'twice.lst');
    writeFileSync(twice, 'ann stats/ann/s0.h5\n');
    const run = await tfjsEm(['isv', 'train', '--redis', redis.url, '--ubm', ubmFile, '--list', lists[0], twice, '--u-rank', '2', '--out', path.join(dir, 'never.h5')]);
    expect(run.code).toBe(1);
    expect(run.errLines.filter((l) => l.startsWith('tfjs-em:'))).toEqual([`tfjs-em: ${lists[0]}: speaker ann is in ${lists[0]} and in ${twice}: a speaker's sessions must be in one list`]);

    const other = await startRedis();
    const rootDir = path.join(dir, 'root');
    mkdirSync(rootDir);
    const escape = path.join(rootDir, 'escape.lst');
    writeFileSync(escape, 'ann ../stats/ann/s0.h5\n');
    const guarded = await startWorker(other.url, ['--data-root', rootDir]);
    try {
      const refused = await tfjsEm(['isv', 'train', '--redis', other.url, '--ubm', ubmFile, '--list', escape, '--u-rank', '2', '--out', path.join(dir, 'never.h5')]);
      expect(refused.code).toBe(1);
      const outside = path.join(dir, 'stats', 'ann', 's0.h5');
      expect(refused.errLines.filter((l) => l.startsWith('tfjs-em:'))).toEqual([`tfjs-em: ${escape}: job payload: ${outside} is outside the worker's data root ${rootDir}`]);
    } finally {
      await guarded.stop();
      await other.stop();
    }
  });
});
