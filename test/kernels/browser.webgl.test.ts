// The fused e-step kernels in Chromium on webgl (see browserSuite.ts).
import { fusedKernelSuite } from './browserSuite.js';

await fusedKernelSuite('webgl');
