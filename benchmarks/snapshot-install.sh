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
exec "$(dirname "$0")/run-main.sh" "${OUT:-benchmarks/target/snapshot-install}" install.txt io.polis.benchmarks.storage.SnapshotInstallBenchmark \
  "${1:-100000}" "${2:-1000}" "${3:-3}"
