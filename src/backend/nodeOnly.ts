import { isNode } from './runtime.js';

type NodeOnly = typeof import('./node/index.js');

/**
 * The Node-only module (Dawn, tfjs-node, node: built-ins). Its specifier is held
 * in a variable so that bundlers do not follow it: a browser bundle of the
 * library carries none of it. Guarded: never imported outside Node.
 */
export async function nodeOnly(): Promise<NodeOnly> {
  if (!isNode()) throw new Error('nodeOnly() called outside Node');
  const specifier = './node/index.js';
  return (await import(/* webpackIgnore: true */ /* @vite-ignore */ specifier)) as NodeOnly;
}
