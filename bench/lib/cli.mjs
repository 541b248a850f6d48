// Command line of bench/run.mjs.
export const USAGE = `node bench/run.mjs [options]   (npm run bench -- [options]; builds first)

  --quick                 N = 10000, K = 64,256, Node and Python only, cells over 2 s
                          timed once: about 2 minutes
  --backends a,b,...      cpu, wasm, webgpu, tensorflow (Node), numpy, sklearn, torch (Python;
                          torch: float32 GEMM form on the CPU, all cores),
                          chromium-webgl, chromium-webgpu, chromium-wasm; groups: node,
                          python, chromium. Default: all of them that this machine has
  --modes plain,fused     e-step paths for the TF.js backends (default both, except the plain
                          ops on Node cpu: minutes an iteration; --modes names them in)
  --sizes 64,256,512      K values (default 64,256,512)
  --n 200000              samples (default 200000; D = 60)
  --reps 3                timed runs per cell after one warm-up (median reported)
  --max-cell-seconds 60   a cell whose warm-up takes longer is timed once (that run)
  --memory                also the memory run: K = 64, 3 iterations at N / 10 and N =
                          5,000,000 (--memory-n), each cell in its own process
  --memory-cells c,...    backend:mode cells of the memory run (default
                          cpu:fused,wasm:fused,wasm:plain; cpu:plain takes ~10 min an iteration)
  --out bench/results     where the JSON and SVG go`;

const NODE = ['cpu', 'wasm', 'webgpu', 'tensorflow'];
const PYTHON = ['numpy', 'sklearn', 'torch'];
const CHROMIUM = ['chromium-webgl', 'chromium-webgpu', 'chromium-wasm'];
const GROUPS = { node: NODE, python: PYTHON, chromium: CHROMIUM };

const list = (text) => text.split(',').map((s) => s.trim()).filter(Boolean);

export function parseArgs(argv) {
  const o = {
    quick: false,
    backends: [...NODE, ...PYTHON, ...CHROMIUM],
    modes: ['plain', 'fused'],
    sizes: [64, 256, 512],
    n: 200000,
    d: 60,
    reps: 3,
    maxCellSeconds: 60,
    memory: false,
    memoryN: 5000000,
    memoryCells: [['cpu', 'fused'], ['wasm', 'fused'], ['wasm', 'plain']],
    out: 'bench/results',
  };
  const given = new Set();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      given.add(a);
      return argv[++i];
    };
    if (a === '--quick') o.quick = true;
    else if (a === '--memory') o.memory = true;
    else if (a === '--backends') o.backends = list(value()).flatMap((b) => GROUPS[b] ?? [b]);
    else if (a === '--modes') o.modes = list(value());
    else if (a === '--sizes') o.sizes = list(value()).map(Number);
    else if (a === '--n') o.n = Number(value());
    else if (a === '--reps') o.reps = Number(value());
    else if (a === '--max-cell-seconds') o.maxCellSeconds = Number(value());
    else if (a === '--memory-n') o.memoryN = Number(value());
    else if (a === '--memory-cells') o.memoryCells = list(value()).map((c) => c.split(':'));
    else if (a === '--out') o.out = value();
    else if (a === '--help' || a === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else throw new Error(`unknown option ${a}\n${USAGE}`);
  }
  if (o.quick) {
    if (!given.has('--n')) o.n = 10000;
    if (!given.has('--sizes')) o.sizes = [64, 256];
    if (!given.has('--backends')) o.backends = [...NODE, ...PYTHON];
    if (!given.has('--max-cell-seconds')) o.maxCellSeconds = 2;
  }
  const unknown = o.backends.filter((b) => ![...NODE, ...PYTHON, ...CHROMIUM].includes(b));
  if (unknown.length > 0) throw new Error(`unknown backend(s) ${unknown.join(', ')}\n${USAGE}`);
  const isMode = (m) => m === 'plain' || m === 'fused';
  if (!o.modes.every(isMode)) throw new Error('--modes takes plain and/or fused');
  if (!o.memoryCells.every(([b, m]) => NODE.includes(b) && isMode(m))) throw new Error(`bad --memory-cells\n${USAGE}`);
  if (o.sizes.some((k) => !Number.isInteger(k) || k < 1) || !(o.n > 0) || !(o.reps >= 1)) throw new Error(`bad --sizes, --n or --reps\n${USAGE}`);
  // tfjs-cpu's broadcasting ops over the [n, K, D] differences take minutes per iteration at N = 200000.
  o.skipCpuPlain = !given.has('--modes');
  return o;
}

export const isNode = (b) => NODE.includes(b);
export const isPython = (b) => PYTHON.includes(b);
export const isChromium = (b) => CHROMIUM.includes(b);
