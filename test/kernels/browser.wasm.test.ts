// The fused e-step kernels in Chromium on wasm (see browserSuite.ts).
import { fusedKernelSuite } from './browserSuite.js';

await fusedKernelSuite('wasm');
