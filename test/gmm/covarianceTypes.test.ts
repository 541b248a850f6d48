// Full, tied and spherical covariances against a float64 EM and MAP (the cases are shared with
// the Chromium suites: test/helpers/covarianceCases.ts, which states the targets).
import { GMMMachine } from '../../src/machines/GMMMachine.js';
import { correlatedModel } from '../helpers/correlated.js';
import { covarianceCases, machineOf } from '../helpers/covarianceCases.js';

test.each(covarianceCases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
  await c.run({ GMMMachine });
});

test.each(['full', 'tied', 'spherical'] as const)('a %s UBM sets the type of the machines adapted from it; another type is refused', (type) => {
  const ubm = machineOf({ GMMMachine }, correlatedModel(type, 3, 3, { condition: 10, offset: 0, spread: 3, seed: 2 }), type);
  expect(new GMMMachine(3, { trainer: 'map', ubm }).covarianceType).toBe(type);
  const other = type === 'full' ? 'diag' : 'full';
  expect(() => new GMMMachine(3, { trainer: 'map', ubm, covarianceType: other })).toThrow(`The UBM has ${type} covariances; a machine adapted from it has the same, not ${other}.`);
  ubm.dispose();
});
