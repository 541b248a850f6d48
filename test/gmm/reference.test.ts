// bob.learn.em's reference checks, shared with the browser suite (test/helpers/referenceCases.ts).
import { GMMMachine } from '../../src/machines/GMMMachine.js';
import { EPSILON } from '../../src/math/constants.js';
import { referenceCases } from '../helpers/referenceCases.js';
import { readArray, readDataset } from '../helpers/reference.js';

test.each(referenceCases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
  await c.run({ GMMMachine, EPSILON }, { readArray, readDataset });
});
