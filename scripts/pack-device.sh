#!/usr/bin/env bash
# Packs what the Node bench needs on a machine without a network (the GPU machine):
# this machine's Node binary, the node_modules files Node loads (tf.js core, cpu, wasm and
# webgpu backends, Dawn for linux-x64), dist/ and bench/. Browsers are not packed.
#
#   bash scripts/pack-device.sh [out.tar.xz]     (default device-pack.tmp/tfjs-em-device.tar.xz)
#
# There: tar xf tfjs-em-device.tar.xz && cd tfjs-em && bash bench/device.sh
# (Dawn needs the machine's Vulkan loader, libvulkan.so.1, and its GPU driver.)
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(realpath -m "${1:-device-pack.tmp/tfjs-em-device.tar.xz}")
limit=$((64 * 1024 * 1024))

npm run build --silent
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
stage="$work/tfjs-em"
mkdir -p "$stage/bin" "$(dirname "$out")"
cp "$(command -v node)" "$stage/bin/node"
cp -r dist package.json "$stage/"
mkdir -p "$stage/bench"
cp -r bench/run.mjs bench/memory.mjs bench/device.sh bench/lib bench/anchors "$stage/bench/"

# The files Node resolves: each package's package.json and "main" (tf.js ships one
# self-contained CommonJS file per package for Node), wasm binaries, Dawn's addon.
files=(
  @tensorflow/tfjs-core/package.json @tensorflow/tfjs-core/dist/tf-core.node.js
  @tensorflow/tfjs-backend-cpu/package.json @tensorflow/tfjs-backend-cpu/dist/tf-backend-cpu.node.js
  @tensorflow/tfjs-backend-wasm/package.json @tensorflow/tfjs-backend-wasm/dist/tf-backend-wasm.node.js
  @tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm
  @tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm
  @tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm
  @tensorflow/tfjs-backend-webgpu/package.json @tensorflow/tfjs-backend-webgpu/dist/tf-backend-webgpu.node.js
  webgpu/package.json webgpu/index.js webgpu/dist/linux-x64/dawn.node
)
for f in "${files[@]}"; do
  mkdir -p "$stage/node_modules/$(dirname "$f")"
  cp "node_modules/$f" "$stage/node_modules/$f"
done
# Small pure-JS dependencies of the above, whole.
for p in long seedrandom node-fetch whatwg-url tr46 webidl-conversions debug ms; do
  cp -r "node_modules/$p" "$stage/node_modules/$p"
done

tar -C "$work" -cf - tfjs-em | xz -T0 -6 > "$out"
size=$(stat -c %s "$out")
echo "$out: $((size / 1024 / 1024)) MiB ($size bytes; limit 64 MiB)"
if [ "$size" -gt "$limit" ]; then
  echo "pack-device: over the 64 MiB limit" >&2
  exit 1
fi
