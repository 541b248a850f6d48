// The Node-only pieces, reached only through nodeOnly() so that browser bundles never include them.
export { provideGpu, dropGpu } from './dawn.js';
export { importTfjsNode } from './tensorflow.js';
export { probeDawnAdapter, type ProbedAdapter } from './dawnProbe.js';
