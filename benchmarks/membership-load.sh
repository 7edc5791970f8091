#!/usr/bin/env bash
# False-down count under CPU load: 5 healthy members for MINUTES (default 10) while two other processes
# keep both cores busy. Build first: ./mvnw -B -q -pl benchmarks -am package -DskipTests
set -euo pipefail
cd "$(dirname "$0")/.."
minutes=${1:-10}
loaders=()
for _ in $(seq "$(nproc)"); do
  (while :; do :; done) &
  loaders+=($!)
done
trap 'kill "${loaders[@]}" 2>/dev/null || true' EXIT
java -cp benchmarks/target/benchmarks.jar io.polis.benchmarks.membership.FalseDownBenchmark "$minutes"
