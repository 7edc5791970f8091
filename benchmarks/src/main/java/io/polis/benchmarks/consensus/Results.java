package io.polis.benchmarks.consensus;

import java.util.Arrays;
import java.util.Locale;

/** Percentiles and the result lines {@code consensus-vs-etcd.sh} collects. */
final class Results {

  private Results() {}

  /**
   * Returns the nearest-rank percentile: the smallest value with at least {@code p} percent of the
   * values at or below it.
   *
   * @param sorted the values, ascending, at least one
   * @param p the percentile, in (0, 100]
   * @return the percentile
   */
  static long percentile(long[] sorted, double p) {
    int rank = (int) Math.ceil(sorted.length * p / 100.0);
    return sorted[Math.max(0, Math.min(sorted.length, rank) - 1)];
  }

  /**
   * Sorts a copy.
   *
   * @param values the values
   * @return them, ascending
   */
  static long[] sorted(long[] values) {
    long[] copy = values.clone();
    Arrays.sort(copy);
    return copy;
  }

  /**
   * Prints one line for the script: {@code RESULT <target> <metric> <value>}.
   *
   * @param target {@code etcd} or {@code polis}
   * @param metric the metric's name, its unit as suffix, e.g. {@code failover_median_ms}
   * @param value the value
   */
  static void print(String target, String metric, double value) {
    System.out.printf(Locale.ROOT, "RESULT %s %s %.3f%n", target, metric, value);
  }
}
