import type { GaussianParams } from './params.js';

/**
 * An identifier of a GMM's parameters (64 bits, hex): two 32-bit multiplicative hashes of the
 * float64 bytes of the weights, means, variances and covariances and of the shape. Statistics record the
 * hash of the model that made them, so that statistics of different models are never summed.
 * Not a cryptographic hash; pure JavaScript, so that it is the same in browsers.
 */
export function parameterHash(p: GaussianParams): string {
  let a = 0x811c9dc5;
  let b = 0x9e3779b9;
  const eat = (word: number) => {
    a = Math.imul(a ^ word, 0x01000193);
    b = Math.imul(b ^ word, 0x85ebca6b) ^ (b >>> 13);
  };
  eat(p.weights.length);
  eat(p.means.length);
  for (const values of [p.weights, p.means, p.variances, ...(p.covariances === undefined ? [] : [p.covariances])]) {
    const words = new Uint32Array(Float64Array.from(values).buffer);
    for (let i = 0; i < words.length; i++) eat(words[i]);
  }
  b = Math.imul(b ^ (b >>> 16), 0x7feb352d);
  return ((a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0'));
}
