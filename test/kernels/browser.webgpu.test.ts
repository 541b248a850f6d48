// The fused e-step kernels in Chromium on webgpu (see browserSuite.ts).
import { fusedKernelSuite } from './browserSuite.js';

await fusedKernelSuite('webgpu');
