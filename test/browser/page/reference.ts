/**
 * The reference files in the page: fetched from /reference/ (the server maps it to
 * test/fixtures/bob.learn.em) and opened with h5wasm's ESM build on its in-memory
 * file system. Reads as test/helpers/reference.ts does in Node.
 */
import * as h5wasm from 'h5wasm';
import type { Array64, ReferenceReader } from '../../helpers/referenceCases.js';

type H5Dataset = InstanceType<typeof h5wasm.Dataset>;

const opened = new Map<string, Promise<InstanceType<typeof h5wasm.File>>>();

function open(file: string) {
  let f = opened.get(file);
  if (f === undefined) {
    f = (async () => {
      const response = await fetch(`/reference/${file}`);
      if (!response.ok) throw new Error(`/reference/${file}: HTTP ${response.status}`);
      const module = await h5wasm.ready;
      module.FS.writeFile(file, new Uint8Array(await response.arrayBuffer()));
      return new h5wasm.File(file, 'r');
    })();
    opened.set(file, f);
  }
  return f;
}

function toArray64(dataset: H5Dataset): Array64 {
  const value = dataset.value as unknown;
  const data =
    typeof value === 'number' || typeof value === 'bigint'
      ? Float64Array.of(Number(value))
      : Float64Array.from(Array.from(value as ArrayLike<number | bigint>, Number));
  return { data, shape: dataset.shape ?? [] };
}

export const pageReference: ReferenceReader = {
  async readArray(file) {
    const f = await open(file);
    const a = toArray64(f.get(f.keys()[0]) as H5Dataset);
    return { data: a.data, shape: a.shape.filter((s) => s !== 1) };
  },
  async readDataset(file, name) {
    return toArray64((await open(file)).get(name) as H5Dataset);
  },
};
