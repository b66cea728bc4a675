#!/usr/bin/env bash
# Embedding-model throughput on a GPU machine, for the capacity plan (see README.md here). Not part of CI.
#
#   benchmarks/gpu/run-gpu-bench.sh [MODEL_DIR] [OUT_FILE]
#
# MODEL_DIR: a model directory (model.pt + model.json); default the test fixture of the extractor.
# OUT_FILE:  markdown result; default benchmarks/gpu/results-<host>-<date>.md (also printed).
# Env: BATCHES (default 1,2,4,...,1024), DTYPES (fp32,fp16), SECONDS_EACH (2 per figure), PYTHON (/usr/bin/python3),
#      JAVA (java), BENCH_JAR (benchmarks/target/benchmarks.jar), PYTORCH_LIBRARY_PATH (a CUDA libtorch's lib/
#      folder for the DJL part; without it, or without java or the jar, the DJL part is skipped).
# Run from the repository root. Reads nothing from the network.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
model_dir="${1:-$root/feature-extractor/src/test/resources/fixture-model}"
out="${2:-$here/results-$(hostname -s)-$(date -u +%Y%m%dT%H%M%SZ).md}"
python="${PYTHON:-/usr/bin/python3}"
java="${JAVA:-java}"
jar="${BENCH_JAR:-$root/benchmarks/target/benchmarks.jar}"
batches="${BATCHES:-1,2,4,8,16,32,64,128,256,512,1024}"
dtypes="${DTYPES:-fp32,fp16}"
seconds="${SECONDS_EACH:-2}"  # not SECONDS: bash keeps its own

[[ -f "$model_dir/model.pt" && -f "$model_dir/model.json" ]] || { echo "No model.pt + model.json in $model_dir" >&2; exit 2; }

{
  echo "# Embedding model throughput on $(hostname -s), $(date -u +%Y-%m-%dT%H:%MZ)"
  echo
  echo "Command: \`benchmarks/gpu/run-gpu-bench.sh $model_dir\` (BATCHES=$batches DTYPES=$dtypes, ${seconds} s per figure)."
  echo
  if command -v nvidia-smi >/dev/null; then
    echo '```'
    nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.max.sm --format=csv
    echo '```'
  else
    echo "No nvidia-smi: no NVIDIA GPU visible; the torch part runs on the CPU."
  fi
  echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | xargs), $(nproc) cores."
  echo
  echo "## torch ($python)"
  echo
  device=cpu
  if "$python" -c 'import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)'; then device=cuda; fi
  "$python" "$here/model_throughput.py" --model-dir "$model_dir" --device "$device" --batches "$batches" \
      --dtypes "$dtypes" --seconds "$seconds"
  echo
  echo "## DJL (the worker's code path)"
  echo
  if [[ -n "${PYTORCH_LIBRARY_PATH:-}" ]] && command -v "$java" >/dev/null && [[ -f "$jar" ]]; then
    # DJL must not look for (or download) its own libtorch: use the CUDA one named here.
    DJL_OFFLINE=true "$java" -Dai.djl.offline=true -cp "$jar" io.phenostream.benchmarks.ModelThroughput \
        --model-dir "$model_dir" --device gpu --batches "$batches" --seconds "$seconds" \
      || echo "DJL on the GPU failed (exit $?): check PYTORCH_LIBRARY_PATH / PYTORCH_VERSION / PYTORCH_FLAVOR."
  else
    echo "Skipped: needs PYTORCH_LIBRARY_PATH (a CUDA libtorch 2.7.x lib/ folder, with PYTORCH_VERSION=2.7.1 and"
    echo "PYTORCH_FLAVOR=cu126 or the like), java 17 and $jar (mvn -B -DskipTests -Pbench package -pl benchmarks -am)."
  fi
} | tee "$out"
echo "Wrote $out" >&2
