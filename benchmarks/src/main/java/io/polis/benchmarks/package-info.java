/**
 * JMH benchmarks of Polis, each paired with a baseline measured in the same run, so that results taken
 * on a shared or noisy machine can be quoted as ratios. Build and run with {@code benchmarks/run.sh};
 * results and how to read them are in {@code docs/benchmarks.md}.
 */
@NullMarked
package io.polis.benchmarks;

import org.jspecify.annotations.NullMarked;
