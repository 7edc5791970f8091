#!/usr/bin/env bash
# Runs one benchmark main class from the benchmark jar, with the machine, JDK and load average written
# beside its output. The shared part of recovery.sh and snapshot-install.sh; call those.
#
# Builds nothing. Build first: ./mvnw -B -pl benchmarks -am package -DskipTests
# Usage: benchmarks/run-main.sh <output dir> <output file name> <main class> [arguments...]
# Environment: JAVA_OPTS (JVM options and benchmark properties)
set -euo pipefail
cd "$(dirname "$0")/.."
out=$1
name=$2
main=$3
shift 3
jar=benchmarks/target/benchmarks.jar
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
java "${java_opts[@]}" -cp "$jar" "$main" "$@" | tee "$out/$name"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out/env.txt"
