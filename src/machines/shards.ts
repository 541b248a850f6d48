/** A data set held as several local matrices (one per file), for EM and k-means on all of them. */
import { DataInput, toMatrix, withSampleWeight } from '../data/matrix.js';
import { MatrixPasses, ShardedPasses } from '../data/passes.js';
import type { GMMData, GMMMachine } from './GMMMachine.js';
import { GMMStats } from './GMMStats.js';

export class LocalShards extends ShardedPasses<MatrixPasses> implements GMMData {
  /** The shards in the order given (and each one's sample weights, or null); each is checked as fit checks its data. */
  static async of(inputs: DataInput[], chunkSize?: number, weights?: (ArrayLike<number> | null)[]): Promise<LocalShards> {
    const shards: MatrixPasses[] = [];
    for (const [i, input] of inputs.entries()) {
      const x = withSampleWeight(await toMatrix(input, `shard ${i}`), weights?.[i], `the weights of shard ${i}`);
      shards.push(new MatrixPasses(x, chunkSize));
    }
    return new LocalShards(shards);
  }

  async gmmStats(machine: GMMMachine): Promise<GMMStats> {
    const parts: GMMStats[] = [];
    for (const shard of this.shards) parts.push(await machine.accStats(shard.matrix));
    return sumGMMStats(parts);
  }
}

/** Statistics summed in float64 in the order given (the shard order). */
export function sumGMMStats(parts: GMMStats[]): GMMStats {
  const total = new GMMStats(parts[0].nGaussians, parts[0].nFeatures, parts[0].covarianceType);
  for (const part of parts) total.addInPlace(part);
  return total;
}
