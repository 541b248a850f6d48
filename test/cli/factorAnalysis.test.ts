/**
 * isv | jfa train | enrol | score on per-session statistics files (tfjs-em stats under a UBM):
 * speakers from folder names or list files; the trained machine, the enrolled speakers and the
 * scores equal the library's ISVMachine / JFAMachine on the same statistics, exactly; info
 * describes the files; mistakes are named.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { readData, parseDataSpec } from '../../src/io/data/read.js';
import { readEnrolledFile } from '../../src/io/index.js';
import { GMMMachine } from '../../src/machines/GMMMachine.js';
import { GMMStats } from '../../src/machines/GMMStats.js';
import { ISVMachine } from '../../src/machines/factorAnalysis/ISVMachine.js';
import { JFAMachine } from '../../src/machines/factorAnalysis/JFAMachine.js';
import { buildOnce, tfjsEm } from './cli.js';
import { blobs, tempDir, writeNpy } from './fixtures.js';

const dir = tempDir();
const ubmFile = path.join(dir, 'ubm.h5');
const speakersDir = path.join(dir, 'speakers');
const probesDir = path.join(dir, 'probes');
const SPEAKERS = ['alice', 'bob', 'carol'];
const SESSIONS = 3;

/** Statistics of 42 frames around the UBM's centres, moved by a speaker's offset (3 along its own feature) and a session's. */
async function statsFile(out: string, speaker: number, session: number): Promise<void> {
  const offset = [0, 1, 2].map((j) => (j === speaker ? 3 : 0) + 0.3 * session * (j === 2 - speaker ? 1 : 0));
  const x = blobs([[0, 0, 0], [6, 6, 6], [-6, 6, 0]].map((c) => c.map((v, j) => v + offset[j])), 14, 100 * speaker + session);
  const npy = writeNpy(`${out}.npy`, x);
  const run = await tfjsEm(['stats', '--model', ubmFile, '--data', npy, '--out', out, '-q']);
  if (run.code !== 0) throw new Error(run.stderr);
}

beforeAll(async () => {
  await buildOnce();
  const x = blobs([[0, 0, 0], [6, 6, 6], [-6, 6, 0]], 120, 5);
  const train = await tfjsEm(['train', '--data', writeNpy(path.join(dir, 'x.npy'), x), '--gaussians', '3', '--steps', '10', '--out', ubmFile, '-q']);
  if (train.code !== 0) throw new Error(train.stderr);
  mkdirSync(probesDir);
  for (const [s, name] of SPEAKERS.entries()) {
    mkdirSync(path.join(speakersDir, name), { recursive: true });
    for (let h = 0; h < SESSIONS; h++) await statsFile(path.join(speakersDir, name, `s${h}.h5`), s, h);
    await statsFile(path.join(probesDir, `${name}.h5`), s, SESSIONS);
  }
}, 300_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The library's view: every session's statistics and its speaker, speakers in name order. */
async function library(): Promise<{ ubm: GMMMachine; stats: GMMStats[]; ids: string[]; probes: GMMStats[] }> {
  const ubm = await GMMMachine.fromHDF5(ubmFile);
  const stats: GMMStats[] = [];
  const ids: string[] = [];
  for (const name of SPEAKERS) {
    for (let h = 0; h < SESSIONS; h++) {
      stats.push(await GMMStats.fromHDF5(path.join(speakersDir, name, `s${h}.h5`)));
      ids.push(name);
    }
  }
  const probes = await Promise.all(SPEAKERS.map((name) => GMMStats.fromHDF5(path.join(probesDir, `${name}.h5`))));
  return { ubm, stats, ids, probes };
}

test('isv train (speakers from folders), enrol and score: the library machine, z and scores, exactly; info describes both files', async () => {
  const model = path.join(dir, 'isv.h5');
  const run = await tfjsEm(['isv', 'train', '--ubm', ubmFile, '--stats', speakersDir, '--u-rank', '2', '--steps', '3', '--seed', '4', '--out', model, '--format', 'json']);
  expect(run.stderr).toMatch(/ISV EM: U step 3\/3/);
  expect(JSON.parse(run.stdout)).toMatchObject({ speakers: 3, sessions: 9, gaussians: 3, features: 3, uRank: 2, steps: 3 });
  const { ubm, stats, ids, probes } = await library();
  const expected = new ISVMachine(ubm, { rU: 2, emIterations: 3, randomState: 4 }).fit(stats, ids);
  const trained = await ISVMachine.fromHDF5(model);
  expect(Array.from(trained.U)).toEqual(Array.from(expected.U));
  expect(Array.from(trained.D)).toEqual(Array.from(expected.D));

  const enrolled = path.join(dir, 'isv-enrolled');
  mkdirSync(enrolled);
  const enrol = await tfjsEm(['isv', 'enrol', '--model', model, '--stats', speakersDir, '--out', enrolled, '-q']);
  expect(enrol.code).toBe(0);
  const zs = SPEAKERS.map((_, s) => expected.enroll(stats.slice(s * SESSIONS, (s + 1) * SESSIONS)));
  for (const [s, name] of SPEAKERS.entries()) expect(Array.from((await readEnrolledFile(path.join(enrolled, `${name}.h5`), 'ISVModel', 9)).z)).toEqual(Array.from(zs[s]));

  const out = path.join(dir, 'isv-scores.csv');
  const score = await tfjsEm(['isv', 'score', '--model', model, '--enrolled', enrolled, '--stats', probesDir, '--out', out, '-q']);
  expect(score.code).toBe(0);
  const matrix = await readData(parseDataSpec(out));
  expect(matrix.shape).toEqual([3, 3]);
  expect(Array.from(matrix.data)).toEqual(zs.flatMap((z) => probes.map((p) => expected.score(z, [p]))));
  // Each speaker scores highest on its own probe.
  for (let s = 0; s < 3; s++) expect(Math.max(...[0, 1, 2].map((p) => matrix.data[s * 3 + p]))).toBe(matrix.data[s * 3 + s]);

  expect(JSON.parse((await tfjsEm(['info', model, '--format', 'json'])).stdout)).toMatchObject({ kind: 'ISVMachine', gaussians: 3, features: 3, uRank: 2, emIterations: 3 });
  expect(JSON.parse((await tfjsEm(['info', path.join(enrolled, 'bob.h5'), '--format', 'json'])).stdout)).toMatchObject({ kind: 'ISVModel', supervector: 9 });
  trained.dispose();
  ubm.dispose();
});

test('jfa train (speakers from a list file), enrol and score: the library machine, y, z and scores, exactly', async () => {
  const list = path.join(dir, 'train.lst');
  const lines = SPEAKERS.flatMap((name) => Array.from({ length: SESSIONS }, (_, h) => `${name} speakers/${name}/s${h}.h5`));
  writeFileSync(list, `# speaker path\n${lines.reverse().join('\n')}\n`);
  const model = path.join(dir, 'jfa.h5');
  const run = await tfjsEm(['jfa', 'train', '--ubm', ubmFile, '--list', list, '--u-rank', '2', '--v-rank', '1', '--steps', '2', '--out', model]);
  expect(run.code).toBe(0);
  expect(run.stderr).toMatch(/JFA EM: V step 2\/2[^]*JFA EM: U step 2\/2[^]*JFA EM: D step 2\/2/);
  const { ubm, stats, ids, probes } = await library();
  // The list names each speaker's sessions last to first: the order their sums take.
  const expected = new JFAMachine(ubm, { rU: 2, rV: 1, emIterations: 2 }).fit(stats.slice().reverse(), ids.slice().reverse());
  const trained = await JFAMachine.fromHDF5(model);
  for (const key of ['U', 'V', 'D'] as const) expect(Array.from(trained[key])).toEqual(Array.from(expected[key]));

  const enrolled = path.join(dir, 'jfa-enrolled');
  mkdirSync(enrolled);
  expect((await tfjsEm(['jfa', 'enroll', '--model', model, '--list', list, '--out', enrolled, '-q'])).code).toBe(0);
  const models = SPEAKERS.map((_, s) => expected.enroll(stats.slice(s * SESSIONS, (s + 1) * SESSIONS).reverse()));
  const file = await readEnrolledFile(path.join(enrolled, 'carol.h5'), 'JFAModel', 9, 1);
  expect([Array.from(file.y!), Array.from(file.z)]).toEqual([Array.from(models[2].y), Array.from(models[2].z)]);
  const score = await tfjsEm(['jfa', 'score', '--model', model, '--enrolled', enrolled, '--stats', probesDir, '--format', 'json']);
  expect(JSON.parse(score.stdout).scores).toEqual(models.flatMap((m) => probes.map((p) => expected.score(m, [p]))));
  trained.dispose();
  ubm.dispose();
});

test('mistakes are named: the action, the ranks, a list line, an id that is no file name, a probe of the wrong kind', async () => {
  const errors = async (args: string[]) => (await tfjsEm(args)).errLines;
  expect(await errors(['isv', '--ubm', ubmFile])).toEqual(['tfjs-em: isv: name the action: train, enrol or score (see tfjs-em isv --help)']);
  expect(await errors(['isv', 'train', '--ubm', ubmFile, '--stats', speakersDir, '--out', path.join(dir, 'never.h5')])).toEqual(['tfjs-em: --u-rank: required: the rank of U']);
  expect(await errors(['jfa', 'train', '--ubm', ubmFile, '--stats', speakersDir, '--u-rank', '2', '--out', path.join(dir, 'never.h5')])).toEqual(['tfjs-em: --v-rank: required: the rank of V']);
  const bad = path.join(dir, 'bad.lst');
  writeFileSync(bad, 'alice speakers/alice/s0.h5\njust-one-field\n');
  expect(await errors(['isv', 'train', '--ubm', ubmFile, '--list', bad, '--u-rank', '2', '--out', path.join(dir, 'never.h5')])).toEqual([`tfjs-em: ${bad}:2: expected "speaker path"`]);
  const model = path.join(dir, 'isv-small.h5');
  expect((await tfjsEm(['isv', 'train', '--ubm', ubmFile, '--stats', speakersDir, '--u-rank', '1', '--steps', '1', '--out', model, '-q'])).code).toBe(0);
  const odd = path.join(dir, 'odd.lst');
  writeFileSync(odd, `../x ${path.join(speakersDir, 'alice', 's0.h5')}\n`);
  expect(await errors(['isv', 'enrol', '--model', model, '--list', odd, '--out', dir])).toEqual(['tfjs-em: ../x: is not a file name: speaker ids of enrol are letters, digits, _, - and .']);
  expect(await errors(['isv', 'score', '--model', model, '--enrolled', ubmFile, '--stats', probesDir])).toEqual([`tfjs-em: ${ubmFile}: this is a GMMMachine file, not an ISVModel file`]);
});
