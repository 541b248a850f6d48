/**
 * isv train --redis and jfa train --redis on two tfjs-em workers, one job per speaker list: the
 * machine of a local train on the same lists (the shards' sums added in another order: 1e-10);
 * a speaker in two lists, and a list naming a file outside a worker's --data-root, fail with one
 * line naming them.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ISVMachine } from '../../src/machines/factorAnalysis/ISVMachine.js';
import { JFAMachine } from '../../src/machines/factorAnalysis/JFAMachine.js';
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
