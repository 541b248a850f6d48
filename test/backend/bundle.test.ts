// A browser bundle of src/backend carries no Node-only piece (Dawn, tfjs-node,
// node: built-ins), with no bundler configuration. Runs in the first jest project only.
import { build } from 'esbuild';

test('esbuild --platform=browser bundles src/backend without Node-only modules', async () => {
  const result = await build({
    entryPoints: ['src/backend/index.ts'],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const inputs = Object.keys(result.metafile.inputs);
  expect(inputs).toContain('src/backend/webgpu.ts');
  expect(inputs.filter((i) => /src\/backend\/node\/|node_modules\/webgpu\/|tfjs-node|^node:/.test(i))).toEqual([]);
});
