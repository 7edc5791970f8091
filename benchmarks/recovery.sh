#!/usr/bin/env bash
# Recovery time of a member with a large log: writes ENTRIES entries into a FileRaftStorage in a temporary
# directory, then times reopening it (the recovery scan, every record's CRC checked) and constructing a
# RaftCore over it, next to a plain sequential read of the same files in the same run. Prints medians,
# ratios and RESULT lines; the log and the load average go to $OUT.
#
# Builds nothing. Build first: ./mvnw -B -pl benchmarks -am package -DskipTests
# Usage: benchmarks/recovery.sh [entries (default 1000000)] [data bytes per entry (default 150)] [repetitions (default 5)]
# Environment: JAVA_OPTS (e.g. -Dpolis.dataRoot=/path for the data), OUT (default benchmarks/target/recovery)
set -euo pipefail
cd "$(dirname "$0")/.."
jar=benchmarks/target/benchmarks.jar
out=${OUT:-benchmarks/target/recovery}
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
java "${java_opts[@]}" -cp "$jar" io.polis.benchmarks.storage.RecoveryBenchmark "${1:-1000000}" "${2:-150}" "${3:-5}" \
  | tee "$out/recovery.txt"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out/env.txt"
