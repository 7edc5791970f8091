#!/usr/bin/env bash
# Spurious Raft leader changes under CPU load: 3 healthy members at default timeouts for MINUTES
# (default 10) with a light write load, while one busy process per core keeps the machine saturated.
# Build first: ./mvnw -B -q -pl benchmarks -am package -DskipTests
set -euo pipefail
cd "$(dirname "$0")/.."
benchmarks/with-cpu-load.sh java -cp benchmarks/target/benchmarks.jar \
  io.polis.benchmarks.consensus.LeaderStabilityBenchmark "${1:-10}"
