#!/usr/bin/env bash
# Time to install a large snapshot: 3 members on 127.0.0.1 (file log and snapshots), one stopped while the
# others take KEYS puts of VALUE_BYTES (about 100 MB of state by default) and snapshot it, then restarted and
# timed until it has applied the leader's snapshot; beside it, the same file through a plain loopback socket
# into a forced file. Prints medians, the ratio and RESULT lines; the log and the load average go to $OUT.
#
# Builds nothing. Build first: ./mvnw -B -pl benchmarks -am package -DskipTests
# Usage: benchmarks/snapshot-install.sh [keys (default 100000)] [value bytes (default 1000)] [repetitions (default 3)]
# Environment: JAVA_OPTS (e.g. -Dpolis.dataRoot=/path for the data), OUT (default benchmarks/target/snapshot-install)
set -euo pipefail
cd "$(dirname "$0")/.."
jar=benchmarks/target/benchmarks.jar
out=${OUT:-benchmarks/target/snapshot-install}
read -r -a java_opts <<< "${JAVA_OPTS:-}"
if [[ ! -f $jar ]]; then
  echo "$jar is missing; build it: ./mvnw -B -pl benchmarks -am package -DskipTests" >&2
  exit 2
fi
mkdir -p "$out"
{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "cpus: $(nproc)"
  java -version 2>&1 | head -1 | sed 's/^/jdk: /'
  echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$out/env.txt"
java "${java_opts[@]}" -cp "$jar" io.polis.benchmarks.storage.SnapshotInstallBenchmark "${1:-100000}" "${2:-1000}" "${3:-3}" \
  | tee "$out/install.txt"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out/env.txt"
