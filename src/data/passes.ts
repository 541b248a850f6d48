/**
 * A data set as the training algorithms see it: a handful of passes over all its
 * samples. One matrix answers them chunk by chunk; a data set of several shards
 * (files, or workers holding them) answers each pass per shard and combines the
 * shards' answers in shard order, in float64, so that the same shards give the
 * same numbers wherever their passes run.
 */
import type { Matrix } from './matrix.js';
import { chunkRows } from '../backend/limits.js';
import { KMeansStats, emptyKMeansStats } from '../math/kmeans/accumulate.js';
import { clusterMomentsPass, eStepPass, minDistancePass, withDeviceCentroids } from '../math/kmeans/passes.js';
import { invalidArgument, shapeMismatch } from '../errors.js';

export interface DataPasses {
  readonly nSamples: number;
  readonly nFeatures: number;
  /** The given rows (global indices), float64 row-major. */
  rows(indices: number[]): Promise<Float64Array>;
  /** Every sample's squared distance to the closest of centres [m, D]. */
  minDistances(centres: Float64Array, m: number): Promise<Float64Array>;
  /** The k-means e-step statistics under centroids [k, D] (see eStepPass). */
  kmeansStats(centroids: Float64Array, k: number): Promise<KMeansStats>;
  /** sum z and sum z^2 per cluster of z = x - means[label] (see clusterMomentsPass). */
  clusterMoments(centroids: Float64Array, k: number, means: Float64Array): Promise<Float64Array>;
  /** Every sample's weight (global order), or null: each counts once. The passes above weight by them. */
  weights(): Promise<Float64Array | null>;
}

/** The passes over one matrix, `chunkSize` rows per device chunk at most. */
export class MatrixPasses implements DataPasses {
  readonly nSamples: number;
  readonly nFeatures: number;

  constructor(readonly matrix: Matrix, private readonly chunkSize?: number) {
    ({ nSamples: this.nSamples, nFeatures: this.nFeatures } = matrix);
  }

  rows(indices: number[]): Promise<Float64Array> {
    return this.matrix.rows(indices);
  }

  minDistances(centres: Float64Array, m: number): Promise<Float64Array> {
    return minDistancePass(this.matrix, centres, m, this.chunkRows(m));
  }

  kmeansStats(centroids: Float64Array, k: number): Promise<KMeansStats> {
    return withDeviceCentroids(centroids, k, (c) => eStepPass(this.matrix, c, this.chunkRows(k)));
  }

  clusterMoments(centroids: Float64Array, k: number, means: Float64Array): Promise<Float64Array> {
    return withDeviceCentroids(centroids, k, (c) => clusterMomentsPass(this.matrix, c, means, this.chunkRows(k)));
  }

  async weights(): Promise<Float64Array | null> {
    return this.matrix.sampleWeight ?? null;
  }

  private chunkRows(k: number): number {
    return chunkRows(k, this.nFeatures, this.chunkSize);
  }
}

/** Shards of one data set (rows in shard order): each pass runs on every shard, combined in order. */
export class ShardedPasses<S extends DataPasses = DataPasses> implements DataPasses {
  readonly nSamples: number;
  readonly nFeatures: number;
  /** Global index of each shard's first row. */
  private readonly starts: number[];

  constructor(readonly shards: S[]) {
    if (shards.length === 0) throw invalidArgument('a data set needs at least one shard');
    this.nFeatures = shards[0].nFeatures;
    const odd = shards.findIndex((s) => s.nFeatures !== this.nFeatures);
    if (odd >= 0) throw shapeMismatch(`shard ${odd} has ${shards[odd].nFeatures} features; shard 0 has ${this.nFeatures}`);
    this.starts = [];
    let n = 0;
    for (const s of shards) {
      this.starts.push(n);
      n += s.nSamples;
    }
    this.nSamples = n;
  }

  async rows(indices: number[]): Promise<Float64Array> {
    const d = this.nFeatures;
    const wanted = this.shards.map(() => [] as { local: number; at: number }[]);
    indices.forEach((index, at) => {
      const s = this.shardOf(index);
      wanted[s].push({ local: index - this.starts[s], at });
    });
    const parts = await Promise.all(
      wanted.map((w, s) => (w.length === 0 ? Promise.resolve(new Float64Array(0)) : this.shards[s].rows(w.map((r) => r.local)))),
    );
    const out = new Float64Array(indices.length * d);
    wanted.forEach((w, s) => w.forEach(({ at }, i) => out.set(parts[s].subarray(i * d, (i + 1) * d), at * d)));
    return out;
  }

  async minDistances(centres: Float64Array, m: number): Promise<Float64Array> {
    const parts = await Promise.all(this.shards.map((s) => s.minDistances(centres, m)));
    const out = new Float64Array(this.nSamples);
    parts.forEach((part, s) => out.set(part, this.starts[s]));
    return out;
  }

  async kmeansStats(centroids: Float64Array, k: number): Promise<KMeansStats> {
    return sumKMeansStats(await Promise.all(this.shards.map((s) => s.kmeansStats(centroids, k))), k, this.nFeatures);
  }

  async clusterMoments(centroids: Float64Array, k: number, means: Float64Array): Promise<Float64Array> {
    return sumArrays(await Promise.all(this.shards.map((s) => s.clusterMoments(centroids, k, means))));
  }

  async weights(): Promise<Float64Array | null> {
    const parts = await Promise.all(this.shards.map((s) => s.weights()));
    if (parts.every((p) => p === null)) return null;
    const out = new Float64Array(this.nSamples).fill(1); // an unweighted shard's samples count once
    parts.forEach((part, s) => part !== null && out.set(part, this.starts[s]));
    return out;
  }

  private shardOf(index: number): number {
    if (!(Number.isInteger(index) && index >= 0 && index < this.nSamples)) throw invalidArgument(`row ${index} is not in the data set`);
    let s = this.starts.length - 1;
    while (this.starts[s] > index) s--;
    return s;
  }
}

/** The shards' k-means statistics summed in float64, in the order given. */
export function sumKMeansStats(parts: KMeansStats[], k: number, d: number): KMeansStats {
  const total = emptyKMeansStats(k, d);
  for (const p of parts) {
    addInto(total.counts, p.counts);
    addInto(total.residualSums, p.residualSums);
    total.minDistanceSum += p.minDistanceSum;
    total.nSamples += p.nSamples;
  }
  return total;
}

/** Element-wise float64 sum of equally long arrays, in the order given. */
export function sumArrays(parts: Float64Array[]): Float64Array {
  const total = new Float64Array(parts[0].length);
  for (const p of parts) addInto(total, p);
  return total;
}

function addInto(total: Float64Array, part: ArrayLike<number>): void {
  if (part.length !== total.length) throw shapeMismatch(`a shard's statistics have ${part.length} values, not ${total.length}`);
  for (let i = 0; i < total.length; i++) total[i] += part[i];
}
