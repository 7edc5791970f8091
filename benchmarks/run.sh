#!/usr/bin/env bash
# Builds the benchmark jar and runs the wire and transport benchmarks with settings that fit a 2-core
# machine in a few minutes, then prints each benchmark's ratio to the baseline measured in the same run.
#
# Usage: benchmarks/run.sh [JMH include regexp]      e.g. benchmarks/run.sh CodecBenchmark
# Environment:
#   JMH_OPTS    JMH settings (default: -f 1 -wi 5 -w 2s -i 5 -r 3s -t 1; five warm-up iterations because
#               on a loaded 2-core machine the JIT competes with the benchmark and needs ~10 s)
#   MVN_ARGS    extra Maven arguments (default: -o, offline; set to "" to let Maven download)
#   SKIP_BUILD  set to 1 to reuse benchmarks/target/benchmarks.jar
#   OUT         output directory (default: benchmarks/target/jmh), e.g. one per run when comparing runs
# Output, under $OUT: results.json (JMH's JSON), results.txt (JMH's log), ratios.md
# (the Markdown tables printed at the end) and env.txt (machine, JDK, load before and after).
set -euo pipefail

cd "$(dirname "$0")/.."
jar=benchmarks/target/benchmarks.jar
out=${OUT:-benchmarks/target/jmh}
include=${1:-'io\.polis\.benchmarks\.(CodecBenchmark|LoopbackThroughputBenchmark)\.'}
read -r -a jmh_opts <<< "${JMH_OPTS:--f 1 -wi 5 -w 2s -i 5 -r 3s -t 1}"
read -r -a mvn_args <<< "${MVN_ARGS--o}"

if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  # package, not install: the benchmarks are never published, and other builds share ~/.m2.
  ./mvnw -B -q "${mvn_args[@]}" -pl polis-core,benchmarks -am package -DskipTests
fi

mkdir -p "$out"
# The load average says how much the run shared the CPU with other work; keep it next to the figures.
{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "cpus: $(nproc), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
  java -version 2>&1 | sed 's/^/jdk: /'
  echo "command: java -jar $jar $include ${jmh_opts[*]} -rf json -rff $out/results.json"
  echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
} > "$out/env.txt"
java -jar "$jar" "$include" "${jmh_opts[@]}" -rf json -rff "$out/results.json" | tee "$out/results.txt"

# Each subject=baseline pair was measured in this same run; names are Class.method[params].
java -cp "$jar" io.polis.benchmarks.Ratios "$out/results.json" \
  CodecBenchmark.encodeData=CodecBenchmark.encodeDataBaseline \
  CodecBenchmark.decodeData=CodecBenchmark.decodeDataBaseline \
  CodecBenchmark.encodeHello=CodecBenchmark.encodeHelloBaseline \
  CodecBenchmark.decodeHello=CodecBenchmark.decodeHelloBaseline \
  'LoopbackThroughputBenchmark.polis=LoopbackThroughputBenchmark.rawNetty[variant=prepender]' \
  'LoopbackThroughputBenchmark.polis=LoopbackThroughputBenchmark.rawNetty[variant=encoder]' \
  'LoopbackThroughputBenchmark.polis=LoopbackThroughputBenchmark.rawNetty[variant=flush-each]' \
  | tee "$out/ratios.md"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$out/env.txt"
cat "$out/env.txt"
