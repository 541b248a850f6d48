import { readData, parseDataSpec } from './dist/src/io/data/read.js';
const t = performance.now();
const r = await readData(parseDataSpec(process.argv[2]));
console.log(process.argv[2], r.shape, ((performance.now() - t) / 1000).toFixed(2), 's', 'rss', (process.memoryUsage().rss / 1e9).toFixed(2), 'GB', r.data[0], r.data[r.data.length - 1]);
