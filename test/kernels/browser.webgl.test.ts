// The e-step kernels in Chromium on webgl (see browserSuite.ts).
import { eStepKernelSuite } from './browserSuite.js';

await eStepKernelSuite('webgl');
