#!/usr/bin/env bash
# Polis's Raft side by side with etcd 3.4, three members on 127.0.0.1 each: time until both survivors
# know a new leader after the leader is killed (kill -9), and throughput and latency of acknowledged
# writes for 1, 16 and 64 client threads. Prints a table with Polis/etcd ratios; a target that cannot
# run yet (Polis, until its Raft driver is wired) is skipped and shown as "not run".
#
# Builds nothing. Build first: ./mvnw -B -pl benchmarks -am package -DskipTests
# Needs etcd 3.4 (apt-get install etcd-server) on the PATH, or JAVA_OPTS=-Detcd.bin=/path/to/etcd.
#
# Usage: benchmarks/consensus-vs-etcd.sh [failover runs (default 20)] [write seconds per client count (default 10)]
# Environment:
#   CLIENTS    client counts, comma-separated (default 1,16,64)
#   TARGETS    targets to run, in order (default "etcd polis")
#   JAVA_OPTS  JVM options and benchmark properties, e.g. -Dconsensus.warmupSeconds=3 (warm-up per client
#              count), -Dconsensus.heartbeatMs=100 -Dconsensus.electionMs=1000 (timing for both targets),
#              -Detcd.dataRoot=/dev/shm (etcd's data in memory: no disk fsync in the write latency)
#   OUT        output directory (default benchmarks/target/consensus)
# Output, under $OUT: one log per benchmark and target, results.txt (the RESULT lines), table.md and
# env.txt (machine, JDK, etcd, load before and after).
set -euo pipefail

cd "$(dirname "$0")/.."
jar=benchmarks/target/benchmarks.jar
runs=${1:-20}
seconds=${2:-10}
clients=${CLIENTS:-1,16,64}
read -r -a targets <<< "${TARGETS:-etcd polis}"
read -r -a java_opts <<< "${JAVA_OPTS:-}"
out=${OUT:-benchmarks/target/consensus}

if [[ ! -f $jar ]]; then
  echo "$jar is missing; build it: ./mvnw -B -pl benchmarks -am package -DskipTests" >&2
  exit 2
fi
mkdir -p "$out"
: > "$out/results.txt"
{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "cpus: $(nproc), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
  java -version 2>&1 | sed 's/^/jdk: /'
  echo "etcd: $( (command -v etcd && etcd --version | head -1) 2>/dev/null | paste -sd' ' || echo 'not found')"
  echo "java options: ${java_opts[*]:-(none)}"
  echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
} > "$out/env.txt"
cat "$out/env.txt"

# Runs one benchmark class against one target; sets status (3: the target cannot run here).
status=0
bench() {
  local class=$1 target=$2
  shift 2
  local log="$out/$class-$target.txt"
  echo
  echo "== $class $target $*"
  set +e
  java "${java_opts[@]}" -cp "$jar" "io.polis.benchmarks.consensus.$class" "$target" "$@" | tee "$log"
  status=${PIPESTATUS[0]}
  set -e
  case $status in
    0) grep '^RESULT ' "$log" >> "$out/results.txt" || true ;;
    3) echo "-- $target skipped: not available here" ;;
    *) echo "-- $class $target failed with status $status; log in $log" >&2; exit "$status" ;;
  esac
}

for target in "${targets[@]}"; do
  bench FailoverBenchmark "$target" "$runs"
  if [[ $status == 3 ]]; then
    continue
  fi
  bench WriteBenchmark "$target" "$seconds" "$clients"
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$out/env.txt"

# The side-by-side table from the RESULT lines: "RESULT <target> <metric> <value>".
metrics="failover_median_ms failover_p99_ms failover_max_ms"
for c in ${clients//,/ }; do
  metrics+=" write_c${c}_ops_per_s write_c${c}_p50_ms write_c${c}_p99_ms write_c${c}_errors"
done
echo
awk -v metrics="$metrics" '
  $1 == "RESULT" { value[$2, $3] = $4 }
  function label(m,   c) {
    if (m == "failover_median_ms") return "Failover, median (ms, lower is better)"
    if (m == "failover_p99_ms") return "Failover, p99 (ms, lower is better)"
    if (m == "failover_max_ms") return "Failover, max (ms, lower is better)"
    c = m; sub(/^write_c/, "", c); sub(/_.*/, "", c); c = c (c == 1 ? " client" : " clients")
    if (m ~ /_ops_per_s$/) return "Writes, " c ": throughput (ops/s, higher is better)"
    if (m ~ /_p50_ms$/) return "Writes, " c ": p50 latency (ms, lower is better)"
    if (m ~ /_p99_ms$/) return "Writes, " c ": p99 latency (ms, lower is better)"
    if (m ~ /_errors$/) return "Writes, " c ": failed writes"
    return m
  }
  function show(m, v) {
    if (v == "") return "not run"
    if (m ~ /_p50_ms$|_p99_ms$/ && m ~ /^write/) return sprintf("%.2f", v)
    return sprintf("%.0f", v)
  }
  END {
    print "| Metric | etcd 3.4 | Polis | Polis / etcd |"
    print "|---|---:|---:|---:|"
    n = split(metrics, list, " ")
    for (i = 1; i <= n; i++) {
      m = list[i]; e = value["etcd", m]; p = value["polis", m]
      ratio = (e != "" && p != "" && e + 0 != 0 && m !~ /_errors$/) ? sprintf("%.2f", p / e) : "—"
      printf "| %s | %s | %s | %s |\n", label(m), show(m, e), show(m, p), ratio
    }
  }' "$out/results.txt" | tee "$out/table.md"
echo
cat "$out/env.txt"
