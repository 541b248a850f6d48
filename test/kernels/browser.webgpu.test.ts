// The e-step kernels in Chromium on webgpu (see browserSuite.ts).
import { eStepKernelSuite } from './browserSuite.js';

await eStepKernelSuite('webgpu');
