// Compiles the host kernels' WebAssembly text (kernels/host/eStep.wat, with the functions of
// kernels/host/whitened.wat spliced into its module; and kernels/host/linalg.wat, float64
// linear algebra) into the four binaries of each module the engines choose from, written as
// base64 into kernels/host/eStepWasm.generated.ts (not committed). Runs before tsc, jest and the
// browser bundle.
//
//   relaxed / plain:  a * b + c as f32x4.relaxed_madd (f64x2.relaxed_madd; one fused
//                     multiply-add where the engine has relaxed SIMD) or as mul then add;
//   shared / unshared imported memory: shared for worker threads, unshared for pages
//                     without cross-origin isolation (no SharedArrayBuffer).
//
//   node scripts/build-wasm.mjs
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import wabtInit from 'wabt';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const source = path.join(root, 'kernels/host/eStep.wat');
const whitened = path.join(root, 'kernels/host/whitened.wat');
const linalg = path.join(root, 'kernels/host/linalg.wat');
const output = path.join(root, 'kernels/host/eStepWasm.generated.ts');

/** The `export const NAME = <integer>;` lines of kernels/host/layout.ts. */
function layoutConstants() {
  const text = readFileSync(path.join(root, 'kernels/host/layout.ts'), 'utf8');
  return Object.fromEntries([...text.matchAll(/^export const (\w+) = (\d+);/gm)].map(([, name, value]) => [name, Number(value)]));
}

/** The S-expression starting at text[start] === '(': its end (exclusive). */
function expressionEnd(text, start) {
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')' && --depth === 0) return i + 1;
  }
  throw new Error(`unbalanced parentheses from offset ${start}`);
}

/** Rewrites every (f32x4.madd a b c) as relaxed_madd, or as (f32x4.add (f32x4.mul a b) c); f64x2 alike. */
function expandMadd(text, relaxed) {
  for (const shape of ['f32x4', 'f64x2']) text = expandShapeMadd(text, relaxed, shape);
  return text;
}

function expandShapeMadd(text, relaxed, shape) {
  const head = `(${shape}.madd`;
  for (let at = text.indexOf(head); at >= 0; at = text.indexOf(head)) {
    const end = expressionEnd(text, at);
    const args = [];
    for (let i = at + head.length; i < end - 1; ) {
      if (text[i] === '(') {
        const argEnd = expressionEnd(text, i);
        args.push(expandShapeMadd(text.slice(i, argEnd), relaxed, shape));
        i = argEnd;
      } else if (/\s/.test(text[i])) i++;
      else throw new Error(`${shape}.madd takes three folded operands, at offset ${i}`);
    }
    if (args.length !== 3) throw new Error(`${shape}.madd with ${args.length} operands`);
    const [a, b, c] = args;
    const expansion = relaxed ? `(${shape}.relaxed_madd ${a} ${b} ${c})` : `(${shape}.add (${shape}.mul ${a} ${b}) ${c})`;
    text = text.slice(0, at) + expansion + text.slice(end);
  }
  return text;
}

/** The module's text for one variant. */
export function variantText(template, constants, { relaxed, shared }) {
  // Line comments go first: they mention the template's forms.
  let text = template.replace(/;;[^\n]*/g, '').replace(/\{\{(\w+)\}\}/g, (_, name) => {
    if (!(name in constants)) throw new Error(`${name} is not a constant of kernels/host/layout.ts`);
    return String(constants[name]);
  });
  if (!shared) text = text.replace(/(\(import "env" "memory" \(memory [^)]*?) shared\)/, '$1)');
  return expandMadd(text, relaxed);
}

export async function buildWasm() {
  const constants = layoutConstants();
  // The tiles in eStep.wat are written out for two f32x4 vectors of Gaussians.
  if (constants.K_TILE !== 8) throw new Error(`eStep.wat is written for K_TILE = 8, layout.ts says ${constants.K_TILE}`);
  // whitened.wat's functions go before the closing parenthesis of eStep.wat's module
  const head = readFileSync(source, 'utf8').replace(/\)\s*$/, '');
  const templates = { '': `${head}\n${readFileSync(whitened, 'utf8')}\n)\n`, linalg: readFileSync(linalg, 'utf8') };
  const wabt = await wabtInit();
  const variants = {};
  for (const [prefix, template] of Object.entries(templates)) {
    for (const relaxed of [false, true]) {
      for (const shared of [false, true]) {
        const kind = `${relaxed ? 'relaxed' : 'plain'}${shared ? 'Shared' : ''}`;
        const name = prefix === '' ? kind : `${prefix}${kind[0].toUpperCase()}${kind.slice(1)}`;
        const features = { simd: true, relaxed_simd: relaxed, threads: shared, bulk_memory: true };
        const module = wabt.parseWat(`${prefix || 'eStep'}.wat (${kind})`, variantText(template, constants, { relaxed, shared }), features);
        try {
          module.validate(features);
          variants[name] = Buffer.from(module.toBinary({}).buffer).toString('base64');
        } finally {
          module.destroy();
        }
      }
    }
  }
  const lines = Object.entries(variants).map(([name, b64]) => `export const ${name} = '${b64}';`);
  const text = `// Generated by scripts/build-wasm.mjs from kernels/host/*.wat: do not edit.\n// The host kernels' WebAssembly binaries, base64.\n${lines.join('\n')}\n`;
  // Unchanged output is not rewritten: watchers and tsc's incremental checks see no change.
  let previous = null;
  try {
    previous = readFileSync(output, 'utf8');
  } catch {}
  if (previous !== text) writeFileSync(output, text);
  return output;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    await buildWasm();
  } catch (error) {
    console.error(`build-wasm failed: ${error.message}`);
    process.exit(1);
  }
}
