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
exec "$(dirname "$0")/run-main.sh" "${OUT:-benchmarks/target/recovery}" recovery.txt io.polis.benchmarks.storage.RecoveryBenchmark \
  "${1:-1000000}" "${2:-150}" "${3:-5}"
