// The e-step kernels in Chromium on wasm (see browserSuite.ts).
import { eStepKernelSuite } from './browserSuite.js';

await eStepKernelSuite('wasm');
