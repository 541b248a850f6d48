import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
const name = (globalThis as any).TFJS_EM_TEST_BACKEND as string;
beforeAll(async () => { await tf.setBackend(name); await tf.ready(); });
