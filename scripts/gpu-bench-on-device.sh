#!/usr/bin/env bash
# The GPU benchmark on a machine with an NVIDIA GPU (issue 4): ScalePlan's benchmark in quick and
# thorough mode and PyTorch's own figures as the yardstick, on the same card in the same run, with
# a comparison table against the issue's targets printed last.
#
# Two halves, because a lent GPU machine has CUDA, CMake and PyTorch but no Boost, no Eigen and no
# package registry (see bench/gpubench/standalone/CMakeLists.txt):
#
#   scripts/gpu-bench-on-device.sh build
#       On the development machine: builds bench/gpubench/standalone (scaleplan-gpubench = the CLI's
#       bench command with Boost.JSON, the C++ runtime and the CUDA runtime linked statically) and
#       copies the binary to build/gpubench-device/bin (override with GPUBENCH_BUILD_DIR).
#
#   scripts/gpu-bench-on-device.sh run [STEP...]
#       On the GPU machine, with build/gpubench-device/bin carried there. STEPs (default: all, in
#       this order): info quick quick2 fp8fast thorough model torch compare. Results go to $OUT (the
#       device tool's output folder) or ./gpu-bench-out: at most 8 files (the tool's limit).
#       Takes about 4-6 minutes on an H100; each step has its own time limit.
#
# With this workplace's device tool, from the repository root:
#   scripts/gpu-bench-on-device.sh build
#   run(command="scripts/gpu-bench-on-device.sh run", carry=["build/gpubench-device/bin"], timeout_s=600)
# The card's settings are only read (nvidia-smi queries), never changed.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
build_dir=${GPUBENCH_BUILD_DIR:-build/gpubench-device}
bin_dir=$build_dir/bin

build() {
  local nvcc=${CUDACXX:-/usr/local/cuda/bin/nvcc}
  [[ -x $nvcc ]] || command -v nvcc >/dev/null || { echo "gpu-bench: nvcc not found (set CUDACXX)" >&2; exit 1; }
  cmake -S bench/gpubench/standalone -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release >&2
  cmake --build "$build_dir" -j "${JOBS:-2}" >&2
  mkdir -p "$bin_dir"
  cp "$build_dir/scaleplan-gpubench" "$bin_dir/"
  {
    echo "commit $(git rev-parse HEAD 2>/dev/null || echo unknown)$(git diff --quiet 2>/dev/null || echo ' (with local changes)')"
    echo "built $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(uname -m) with $("$nvcc" --version | tail -1)"
  } >"$bin_dir/BUILD_INFO"
  echo "gpu-bench: built $bin_dir/scaleplan-gpubench ($(du -h "$bin_dir/scaleplan-gpubench" | cut -f1)); carry $bin_dir" >&2
  ldd "$bin_dir/scaleplan-gpubench" | sed 's/^/  /' >&2
}

# Makes libcublasLt.so.13 findable: the CUDA toolkit's folders, else PyTorch's nvidia-cublas wheel.
find_cublas() {
  local bin=$1
  if ! ldd "$bin" | grep -q "not found"; then return; fi
  local dirs=(/usr/local/cuda/lib64 /usr/local/cuda/targets/x86_64-linux/lib /usr/local/cuda/lib)
  local torch_dir
  torch_dir=$(python3 -c 'import nvidia.cublas, os; print(os.path.join(os.path.dirname(nvidia.cublas.__file__), "lib"))' \
              2>/dev/null || true)
  [[ -n $torch_dir ]] && dirs+=("$torch_dir")
  for d in "${dirs[@]}"; do
    if [[ -e $d/libcublasLt.so.13 ]]; then
      export LD_LIBRARY_PATH="$d${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
      break
    fi
  done
  if ldd "$bin" | grep "not found"; then
    echo "gpu-bench: a library of scaleplan-gpubench is missing on this machine (see above)" >&2
    exit 1
  fi
}

run_steps() {
  local out=${OUT:-$repo/gpu-bench-out}
  mkdir -p "$out"
  local bin=${GPUBENCH_BIN:-$bin_dir/scaleplan-gpubench}
  [[ -x $bin ]] || { echo "gpu-bench: $bin not found: run 'scripts/gpu-bench-on-device.sh build' here and carry $bin_dir" >&2; exit 1; }
  find_cublas "$bin"
  export SCALEPLAN_DATA_DIR=$repo/data
  export PYTHONUNBUFFERED=1
  local steps=("$@")
  [[ ${#steps[@]} -eq 0 || ${steps[0]} == all ]] && steps=(info quick quick2 fp8fast thorough model torch compare)
  local log=$out/log.txt
  local status=0
  for step in "${steps[@]}"; do
    echo "=== $step ($(date -u +%H:%M:%S))" | tee -a "$log"
    case $step in
      info)
        {
          cat "$bin_dir/BUILD_INFO" 2>/dev/null || true
          nvidia-smi --query-gpu=name,driver_version,pci.bus_id,persistence_mode,clocks.sm,clocks.max.sm,clocks.mem,power.draw,power.limit,temperature.gpu,utilization.gpu --format=csv || true
          nvidia-smi -q -d CLOCK,POWER,PERFORMANCE 2>/dev/null | head -80 || true
          python3 -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda)' || true
        } 2>&1 | tee -a "$log"
        ;;
      quick)
        timeout 240 "$bin" bench --quick --details --out "$out/quick.json" 2>&1 | tee -a "$log" || status=1 ;;
      quick2)  # the same run again: run-to-run noise, to judge any difference against
        timeout 240 "$bin" bench --quick --no-fma --no-bandwidth --precision bf16,fp8 --out "$out/quick2.json" 2>&1 \
          | tee -a "$log" || status=1 ;;
      fp8fast)
        timeout 120 "$bin" bench --only-shapes --shapes 8192x8192x8192,4096x4096x4096 --precision fp8 --fp8-fast-accum \
          --no-fma --no-bandwidth --out "$out/fp8fast.json" 2>&1 | tee -a "$log" || status=1 ;;
      thorough)
        timeout 420 "$bin" bench --thorough --no-fma --no-bandwidth --quiet --out "$out/thorough.json" 2>&1 \
          | tee -a "$log" || status=1 ;;
      model)  # the GEMMs of a Llama 3 70B training step on one of 8 tensor-parallel GPUs
        timeout 240 "$bin" bench --model llama3-70b --tp 8 --tokens 8192 --only-shapes --precision bf16,fp8 \
          --no-fma --no-bandwidth --details --out "$out/model.json" 2>&1 | tee -a "$log" || status=1 ;;
      torch)
        timeout 240 python3 bench/gpubench/torch_yardstick.py --out "$out/torch.json" 2>&1 | tee -a "$log" || status=1 ;;
      compare)
        local extra=()
        [[ -f $out/quick2.json ]] && extra+=(--ours2 "$out/quick2.json")
        [[ -f $out/fp8fast.json ]] && extra+=(--fp8-fast "$out/fp8fast.json")
        [[ -f $out/thorough.json ]] && extra+=(--thorough "$out/thorough.json")
        python3 bench/gpubench/compare_with_torch.py --ours "$out/quick.json" --torch "$out/torch.json" "${extra[@]}" \
          2>&1 | tee "$out/compare.txt" | tee -a "$log" || status=1 ;;
      *) echo "gpu-bench: unknown step '$step'" >&2; exit 2 ;;
    esac
  done
  return $status
}

case ${1:-} in
  build) build ;;
  run) shift; run_steps "$@" ;;
  *) sed -n '2,25p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
