import fs from 'node:fs';
import path from 'node:path';
import { readGMMFile, writeGMMFile, writeStatsFile, readStatsFile, type GMMRecord } from '../../src/io/index.js';
import { ref, scratchDir } from './helpers.js';

/** A valid record whose means can be read `reads` times before the getter throws (a failure mid-write). */
function failingAfter(record: GMMRecord, reads: number): GMMRecord {
  let left = reads;
  return {
    ...record,
    get means(): Float64Array {
      if (left-- <= 0) throw new Error('disk on fire');
      return record.means;
    },
  };
}

describe('atomic save', () => {
  let dir: string;
  beforeEach(() => {
    dir = scratchDir();
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('a write failing midway leaves the existing file intact and no temporary file behind', async () => {
    const target = path.join(dir, 'machine.hdf5');
    const fitted = await readGMMFile(ref('gmm_ML_fitted.hdf5'));
    await writeGMMFile(target, fitted);
    const before = fs.readFileSync(target);
    // the validation reads means once; the writer's read, with the temporary file open, throws
    await expect(writeGMMFile(target, failingAfter(await readGMMFile(ref('gmm_ML.hdf5')), 1))).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringContaining('disk on fire'),
    });
    expect(fs.readFileSync(target).equals(before)).toBe(true);
    expect(fs.readdirSync(dir)).toEqual(['machine.hdf5']);
    expect(await readGMMFile(target)).toEqual(fitted);
  });

  test('a failed rename (the target is a non-empty directory) removes the temporary file', async () => {
    const target = path.join(dir, 'taken');
    fs.mkdirSync(target);
    fs.writeFileSync(path.join(target, 'keep'), 'x');
    await expect(writeStatsFile(target, await readStatsFile(ref('stats.hdf5')))).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringContaining(`cannot write ${target}`),
    });
    expect(fs.readdirSync(dir)).toEqual(['taken']);
    expect(fs.readdirSync(target)).toEqual(['keep']);
  });

  test('a path whose directory does not exist is refused', async () => {
    const target = path.join(dir, 'missing', 'machine.hdf5');
    await expect(writeGMMFile(target, await readGMMFile(ref('gmm_ML.hdf5')))).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringContaining(`directory ${path.join(dir, 'missing')} does not exist`),
    });
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  test('a path naming a directory is refused', async () => {
    await expect(writeGMMFile(`${dir}/`, await readGMMFile(ref('gmm_ML.hdf5')))).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(fs.readdirSync(dir)).toEqual([]);
  });
});
