// bob.learn.em's reference checks in Chromium on wasm (see referenceSuite.ts).
import { referenceSuite } from './referenceSuite.js';

await referenceSuite('wasm');
