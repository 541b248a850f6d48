import { KernelConfig, getKernel, registerKernel } from '@tensorflow/tfjs-core';
import { eStepCpuConfig } from './cpu/EStep.js';
import { logLikelihoodCpuConfig } from './cpu/LogLikelihood.js';
import { eStepWasmConfig } from './wasm/EStep.js';
import { logLikelihoodWasmConfig } from './wasm/LogLikelihood.js';
import { eStepWebGPUConfig } from './webgpu/EStep.js';
import { logLikelihoodWebGPUConfig } from './webgpu/LogLikelihood.js';
import { responsibilitiesWebGPUConfig } from './webgpu/Responsibilities.js';
import { eStepWebGLConfig } from './webgl/EStep.js';
import { logLikelihoodWebGLConfig } from './webgl/LogLikelihood.js';
import { responsibilitiesWebGLConfig } from './webgl/Responsibilities.js';

export { E_STEP, LOG_LIKELIHOOD, RESPONSIBILITIES } from './kernelNames.js';
export { hostKernelInfo, setHostThreads } from './host/hostEngine.js';

const configs: KernelConfig[] = [
  eStepCpuConfig,
  logLikelihoodCpuConfig,
  eStepWasmConfig,
  logLikelihoodWasmConfig,
  eStepWebGPUConfig,
  logLikelihoodWebGPUConfig,
  responsibilitiesWebGPUConfig,
  eStepWebGLConfig,
  logLikelihoodWebGLConfig,
  responsibilitiesWebGLConfig,
];

/**
 * Registers the fused kernels: e-step and log-likelihood for every backend,
 * and the GPU e-step's responsibilities for webgpu and webgl (once;
 * a backend that is never used costs nothing: the kernels only import types
 * from the backend packages, and the host kernel compiles its wasm module and
 * starts its threads on first use).
 */
export function registerFusedKernels(): void {
  for (const config of configs) {
    if (getKernel(config.kernelName, config.backendName) === undefined) registerKernel(config);
  }
}
