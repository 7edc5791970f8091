#!/usr/bin/env bash
# Spurious Raft leader changes under CPU load: 3 healthy members at default timeouts for MINUTES
# (default 10) with a light write load, while one busy process per core keeps the machine saturated.
# Build first: ./mvnw -B -q -pl benchmarks -am package -DskipTests
set -euo pipefail
cd "$(dirname "$0")/.."
minutes=${1:-10}
loaders=()
for _ in $(seq "$(nproc)"); do
  (while :; do :; done) &
  loaders+=($!)
done
trap 'kill "${loaders[@]}" 2>/dev/null || true' EXIT
echo "load: $(nproc) busy loops; cores $(nproc); $(java -version 2>&1 | head -1)"
java -cp benchmarks/target/benchmarks.jar io.polis.benchmarks.consensus.LeaderStabilityBenchmark "$minutes"
