#!/usr/bin/env bash
# Runs a command while one busy loop per core keeps the machine saturated; the loops stop with it.
# Usage: benchmarks/with-cpu-load.sh <command> [args...]
set -euo pipefail
loaders=()
for _ in $(seq "$(nproc)"); do
  (while :; do :; done) &
  loaders+=($!)
done
trap 'kill "${loaders[@]}" 2>/dev/null || true' EXIT
echo "load: $(nproc) busy loops on $(nproc) cores"
"$@"
