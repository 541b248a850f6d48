// bob.learn.em's reference checks in Chromium on webgl (see referenceSuite.ts).
import { referenceSuite } from './referenceSuite.js';

await referenceSuite('webgl');
