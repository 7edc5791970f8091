#!/usr/bin/env bash
# Polis's Raft side by side with etcd 3.4, three members on 127.0.0.1 each: time until both survivors
# know a new leader after the leader is killed (kill -9), and throughput and latency of acknowledged
# writes for 1, 16 and 64 client threads. Prints a table with Polis/etcd ratios; a target that cannot
# run yet (Polis, until its Raft driver is wired) is skipped and shown as "not run".
#
# With ROUNDS > 1 the write benchmark runs that many times in paired rounds, the targets' order
# alternating from round to round (round 1: etcd then Polis; round 2: Polis then etcd; ...), so that the
# machine's drift over minutes weighs on both targets alike: the table shows each target's median over
# the rounds and, as the ratio, the median of the per-round Polis/etcd ratios with their range.
#
# Builds nothing. Build first: ./mvnw -B -pl benchmarks -am package -DskipTests
# Needs etcd 3.4 (apt-get install etcd-server) on the PATH, or JAVA_OPTS=-Detcd.bin=/path/to/etcd.
#
# Usage: benchmarks/consensus-vs-etcd.sh [failover runs (default 20)] [write seconds per client count (default 10)]
# Environment:
#   CLIENTS    client counts, comma-separated (default 1,16,64)
#   ROUNDS     rounds of the write benchmark, a positive integer (default 1); the failover benchmark
#              runs once per target, first, whatever ROUNDS is. Failed writes are summed over the rounds.
#   TARGETS    targets to run, in order (default "etcd polis")
#   JAVA_OPTS  JVM options and benchmark properties, e.g. -Dconsensus.jvmWarmupSeconds=15 (unmeasured writes
#              before the first client count, so that the JIT has compiled the write path; 0 skips it),
#              -Dconsensus.warmupSeconds=3 (warm-up per client count),
#              -Dconsensus.heartbeatMs=100 -Dconsensus.electionMs=1000 (timing for both targets),
#              -Detcd.dataRoot=/dev/shm (etcd's data in memory: no disk fsync in the write latency)
#   OUT        output directory (default benchmarks/target/consensus)
# Output, under $OUT: FailoverBenchmark-<target>.txt and WriteBenchmark-<target>-r<round>.txt (the logs),
# results.txt (the RESULT lines: "RESULT <target> <metric> <value>" from the failover runs and
# "RESULT <target> <metric> <value> <round>" from the write runs), table.md and env.txt (machine, JDK,
# etcd, load before and after).
set -euo pipefail

cd "$(dirname "$0")/.."
jar=benchmarks/target/benchmarks.jar
runs=${1:-20}
seconds=${2:-10}
clients=${CLIENTS:-1,16,64}
read -r -a targets <<< "${TARGETS:-etcd polis}"
read -r -a java_opts <<< "${JAVA_OPTS:-}"
out=${OUT:-benchmarks/target/consensus}
rounds=${ROUNDS:-1}

if [[ ! $rounds =~ ^[0-9]+$ ]] || ((10#$rounds == 0)); then
  echo "ROUNDS must be a positive integer (rounds of the write benchmark), not '$rounds'" >&2
  exit 2
fi
rounds=$((10#$rounds))
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
  echo "write rounds: $rounds"
  echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
} > "$out/env.txt"
cat "$out/env.txt"

# Runs one benchmark class against one target; sets status (3: the target cannot run here). A round
# number ("" for none) goes into the log's name and, as a fifth field, onto the RESULT lines.
status=0
bench() {
  local class=$1 target=$2 round=$3
  shift 3
  local log="$out/$class-$target${round:+-r$round}.txt"
  echo
  echo "== $class $target${round:+ (round $round of $rounds)} $*"
  set +e
  java "${java_opts[@]}" -cp "$jar" "io.polis.benchmarks.consensus.$class" "$target" "$@" | tee "$log"
  status=${PIPESTATUS[0]}
  set -e
  case $status in
    0) awk -v round="$round" '$1 == "RESULT" { print round == "" ? $0 : $0 " " round }' "$log" >> "$out/results.txt" ;;
    3) echo "-- $target skipped: not available here" ;;
    *) echo "-- $class $target failed with status $status; log in $log" >&2; exit "$status" ;;
  esac
}

# Failover once per target; a target that cannot run (status 3) is left out of the write rounds.
declare -A skipped=()
for target in "${targets[@]}"; do
  bench FailoverBenchmark "$target" "" "$runs"
  if [[ $status == 3 ]]; then
    skipped[$target]=1
  fi
done
# The write rounds: the targets in the given order in odd rounds, reversed in even ones.
for ((round = 1; round <= rounds; round++)); do
  order=()
  for target in "${targets[@]}"; do
    if ((round % 2)); then order+=("$target"); else order=("$target" "${order[@]}"); fi
  done
  for target in "${order[@]}"; do
    if [[ -n ${skipped[$target]:-} ]]; then
      continue
    fi
    bench WriteBenchmark "$target" "$round" "$seconds" "$clients"
    if [[ $status == 3 ]]; then
      skipped[$target]=1
    fi
  done
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$out/env.txt"

# The side-by-side table from the RESULT lines: "RESULT <target> <metric> <value> [<round>]". A write
# metric shows each target's median over the rounds (failed writes: the sum) and the median of the
# per-round Polis/etcd ratios, with their range when there is more than one round.
metrics="failover_median_ms failover_p99_ms failover_max_ms"
for c in ${clients//,/ }; do
  metrics+=" write_c${c}_ops_per_s write_c${c}_p50_ms write_c${c}_p99_ms write_c${c}_errors"
done
echo
awk -v metrics="$metrics" -v rounds="$rounds" '
  $1 == "RESULT" && NF >= 5 { byround[$2, $3, $5] = $4 }
  $1 == "RESULT" && NF < 5 { value[$2, $3] = $4 }
  # The median of the n numbers in a[1..n] (sorts a).
  function median(a, n,   i, j, x) {
    for (i = 2; i <= n; i++) {
      x = a[i]
      for (j = i - 1; j >= 1 && a[j] > x; j--) a[j + 1] = a[j]
      a[j + 1] = x
    }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
  }
  # A write metric of one target over the rounds: the median, or the sum for failed writes; "" if none.
  function overRounds(t, m,   r, n, a, sum) {
    n = 0; sum = 0
    for (r = 1; r <= rounds; r++) {
      if ((t, m, r) in byround) { a[++n] = byround[t, m, r] + 0; sum += a[n] }
    }
    if (n == 0) return ""
    return m ~ /_errors$/ ? sum : median(a, n)
  }
  # The Polis/etcd ratio of a write metric: the median of the per-round ratios, with their range if
  # there is more than one round; "—" if no round has both.
  function ratioOverRounds(m,   r, n, a, e, p, mid) {
    if (m ~ /_errors$/) return "—"
    n = 0
    for (r = 1; r <= rounds; r++) {
      if (("etcd", m, r) in byround && ("polis", m, r) in byround) {
        e = byround["etcd", m, r] + 0; p = byround["polis", m, r] + 0
        if (e != 0) a[++n] = p / e
      }
    }
    if (n == 0) return "—"
    mid = median(a, n)
    return rounds > 1 ? sprintf("%.2f (%.2f–%.2f)", mid, a[1], a[n]) : sprintf("%.2f", mid)
  }
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
      m = list[i]
      if (m ~ /^write_/) {
        e = overRounds("etcd", m); p = overRounds("polis", m); ratio = ratioOverRounds(m)
      } else {
        e = value["etcd", m]; p = value["polis", m]
        ratio = (e != "" && p != "" && e + 0 != 0) ? sprintf("%.2f", p / e) : "—"
      }
      printf "| %s | %s | %s | %s |\n", label(m), show(m, e), show(m, p), ratio
    }
    if (rounds > 1) {
      printf "\nWrite rows: %d rounds, the order of the targets alternating from round to round; each value is the median over the rounds (failed writes: the sum), and Polis / etcd is the median of the paired per-round ratios (both targets in the same round), their range in parentheses.\n", rounds
    }
  }' "$out/results.txt" | tee "$out/table.md"
echo
cat "$out/env.txt"
