/**
 * The file store on its own, without a cluster: how long a member with a large log takes to come back
 * ({@link io.polis.benchmarks.storage.RecoveryBenchmark}). Not JMH: each measurement is one wall-clock
 * open of a whole log, next to a plain read of the same files in the same run.
 */
@NullMarked
package io.polis.benchmarks.storage;

import org.jspecify.annotations.NullMarked;
