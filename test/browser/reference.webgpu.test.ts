// bob.learn.em's reference checks in Chromium on webgpu (see referenceSuite.ts).
import { referenceSuite } from './referenceSuite.js';

await referenceSuite('webgpu');
