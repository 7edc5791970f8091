/**
 * Polis's Raft side by side with etcd 3.4: the time until a new leader is known after the leader is
 * killed ({@link io.polis.benchmarks.consensus.FailoverBenchmark}) and the throughput and latency of
 * acknowledged writes ({@link io.polis.benchmarks.consensus.WriteBenchmark}), both run against any
 * {@link io.polis.benchmarks.consensus.ConsensusCluster}. Not JMH: each measurement is a wall-clock
 * time of a whole cluster. Run both targets with {@code benchmarks/consensus-vs-etcd.sh}.
 */
@NullMarked
package io.polis.benchmarks.consensus;

import org.jspecify.annotations.NullMarked;
