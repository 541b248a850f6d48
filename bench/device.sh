#!/usr/bin/env bash
# The GPU-machine bench, from the folder scripts/pack-device.sh packs (./bin/node) or from
# the repository (node on PATH). Results go to ${OUT:-bench/results}. About 8 minutes on a
# 16-core machine with one GPU.
set -uo pipefail
cd "$(dirname "$0")/.."
node=./bin/node
[ -x "$node" ] || node=$(command -v node)
out=${OUT:-bench/results}
mkdir -p "$out"
export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-$(mktemp -d)}
python=${TFJS_EM_PYTHON:-python3}

# 1. WebGPU (Dawn on the GPU's Vulkan driver): plain and fused, N = 1,000,000, K = 512.
"$node" bench/run.mjs --backends webgpu --n 1000000 --sizes 512 --max-cell-seconds 60 --out "$out"
# 2. The host kernel on every core, and the Python anchors on the same data.
TFJS_EM_PYTHON=$python "$node" bench/run.mjs --backends cpu,numpy,sklearn --modes fused --n 1000000 --sizes 512 --max-cell-seconds 60 --out "$out"
# 3. PyTorch on the GPU, GEMM form, same sizes.
"$python" bench/anchors/torch_em.py --n 1000000 --d 60 --k 512 | tee "$out/torch-$(hostname).json"
