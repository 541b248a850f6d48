import { getBackendInfo } from '../../src/backend/index.js';
import { chunkRows } from '../../src/backend/limits.js';
import { GMMMachine } from '../../src/machines/GMMMachine.js';
import { clusters } from '../helpers/synthetic.js';

describe('chunkRows', () => {
  test('default: [rows, max(K, 2D + 1)] float32 near 16 MiB, at most 16384 rows', () => {
    expect(chunkRows(4, 2)).toBe(16384);
    expect(chunkRows(1024, 60)).toBe(4096);
    expect(chunkRows(10, 1000)).toBe(Math.floor((16 * 2 ** 20) / (4 * 2001)));
  });

  test('a requested size is honoured below the device bound', () => {
    expect(chunkRows(4, 2, 7)).toBe(7);
    expect(chunkRows(4, 2, 100000)).toBe(100000);
    expect(chunkRows(4, 2, 0.5)).toBe(1);
  });

  test('no request exceeds what the device allows for one tensor', () => {
    const { maxChunkBytes } = getBackendInfo().limits;
    for (const [k, d] of [[256, 60], [4096, 8], [1, 1000]]) {
      const rows = chunkRows(k, d, 1e12);
      expect(rows * 4 * Math.max(k, 2 * d + 1)).toBeLessThanOrEqual(maxChunkBytes);
      expect((rows + 1) * 4 * Math.max(k, 2 * d + 1)).toBeGreaterThan(maxChunkBytes);
    }
  });

  test('a machine asked for huge chunks still runs (one chunk)', async () => {
    const m = new GMMMachine(2, { chunkSize: 1e12 });
    m.means = [[0, 0], [5, 5]];
    m.variances = [[1, 1], [1, 1]];
    const stats = await m.accStats(clusters([[0, 0], [5, 5]], 50, 1, 3));
    expect(stats.t).toBe(100);
    m.dispose();
  });
});
