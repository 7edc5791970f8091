#!/usr/bin/env bash
# False-down count under CPU load: 5 healthy members for MINUTES (default 10) while two other processes
# keep both cores busy. Build first: ./mvnw -B -q -pl benchmarks -am package -DskipTests
set -euo pipefail
cd "$(dirname "$0")/.."
benchmarks/with-cpu-load.sh java -cp benchmarks/target/benchmarks.jar \
  io.polis.benchmarks.membership.FalseDownBenchmark "${1:-10}"
