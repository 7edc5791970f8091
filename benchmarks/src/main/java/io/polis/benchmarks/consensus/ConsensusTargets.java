package io.polis.benchmarks.consensus;

import java.util.List;

/** Makes the cluster a benchmark's {@code target} argument names. */
final class ConsensusTargets {

  /** The names {@link #create} accepts. */
  static final List<String> NAMES = List.of("etcd", "polis");

  /** Exit status of a benchmark whose target cannot run yet; {@code consensus-vs-etcd.sh} skips it. */
  static final int EXIT_UNAVAILABLE = 3;

  private ConsensusTargets() {}

  /**
   * Creates an unstarted cluster.
   *
   * @param target {@code etcd} or {@code polis}
   * @param timing the Raft timing to run with
   * @return the cluster, not started
   * @throws UnavailableException if the target cannot run here (not written yet, binary missing)
   * @throws IllegalArgumentException if the target is unknown
   */
  static ConsensusCluster create(String target, ConsensusTiming timing) throws UnavailableException {
    return switch (target) {
      case "etcd" -> EtcdCluster.create(timing);
      case "polis" -> PolisCluster.create();
      default -> throw new IllegalArgumentException("unknown target '" + target + "', expected one of " + NAMES);
    };
  }

  /**
   * Creates the cluster, or prints why it cannot and exits with {@link #EXIT_UNAVAILABLE}.
   *
   * @param target {@code etcd} or {@code polis}
   * @return the cluster, not started
   */
  static ConsensusCluster createOrExit(String target) {
    try {
      return create(target, ConsensusTiming.fromSystemProperties());
    } catch (UnavailableException e) {
      System.out.println(e.getMessage());
      System.exit(EXIT_UNAVAILABLE);
      throw new AssertionError(e);
    }
  }

  /** A target that cannot run here. */
  static final class UnavailableException extends Exception {

    private static final long serialVersionUID = 1L;

    UnavailableException(String message) {
      super(message);
    }
  }
}
