package io.polis.benchmarks.consensus;

import java.time.Duration;
import java.util.OptionalInt;
import java.util.concurrent.TimeoutException;

/**
 * A three-member Raft cluster under test, its members numbered {@code 0} to {@code size() - 1}.
 *
 * <p>What an implementation must do: {@link #start} brings up {@link #size()} members of one fresh
 * group on 127.0.0.1 (in this JVM or in child processes, as it likes) with the given
 * {@link ConsensusTiming}, and returns only once every member reports the same leader. Each member is
 * asked on its own what leader it knows ({@link #leaderSeenBy}); the harness never decides leadership
 * itself. {@link #kill} must be abrupt, as {@code kill -9} is: no leadership transfer, no goodbye
 * message, sockets closed (or the process gone) so that the survivors learn of the failure only by
 * missing heartbeats. {@link #restart} brings a killed member back under its old identity and with
 * its old log, so that the group has three voters again. A {@link Client} writes one key through
 * consensus and returns only when the write is committed by a majority and acknowledged, as etcd's
 * {@code Put} does; the benchmarks use one client per thread, and clients may share connections.
 * {@link #close} stops every member and deletes whatever they stored. Methods other than
 * {@link Client#put} are called from one thread; none is called after {@code close}.
 */
public interface ConsensusCluster extends AutoCloseable {

  /** How often the default {@link #awaitLeaderKnownByAllSurvivors} asks the members. */
  Duration POLL_INTERVAL = Duration.ofMillis(5);

  /**
   * Names the target for reports, e.g. {@code "etcd 3.4.23"}.
   *
   * @return a short description, with the version when known
   */
  String description();

  /**
   * Returns the number of members.
   *
   * @return 3
   */
  int size();

  /**
   * Starts every member of a new group and waits until all of them report the same leader.
   *
   * @param timeout how long to wait for the leader
   * @throws TimeoutException if no leader is known by all within the timeout
   * @throws Exception if a member cannot be started
   */
  void start(Duration timeout) throws Exception;

  /**
   * Tells whether a member is running: started and neither killed nor closed since.
   *
   * @param member the member's index
   * @return whether it runs
   */
  boolean isRunning(int member);

  /**
   * Asks one member which member it believes leads, without waiting for an election.
   *
   * @param member the member's index
   * @return the index of the leader it knows, or empty if it knows none or does not answer
   */
  OptionalInt leaderSeenBy(int member);

  /**
   * Returns the leader every running member agrees on.
   *
   * @return the leader's index, or empty if a running member knows no leader or they disagree
   */
  default OptionalInt leaderIndex() {
    OptionalInt agreed = OptionalInt.empty();
    for (int member = 0; member < size(); member++) {
      if (!isRunning(member)) {
        continue;
      }
      OptionalInt seen = leaderSeenBy(member);
      if (seen.isEmpty() || !isRunning(seen.getAsInt())
          || (agreed.isPresent() && agreed.getAsInt() != seen.getAsInt())) {
        return OptionalInt.empty();
      }
      agreed = seen;
    }
    return agreed;
  }

  /**
   * Stops a member abruptly: no goodbye, no leadership transfer. Returns as soon as the member is gone.
   *
   * @param member the member's index
   * @throws Exception if the member cannot be stopped
   */
  void kill(int member) throws Exception;

  /**
   * Kills the member that every running member agrees leads.
   *
   * @return the killed member's index
   * @throws IllegalStateException if the members do not agree on a leader
   * @throws Exception if the member cannot be stopped
   */
  default int killLeader() throws Exception {
    int leader = leaderIndex().orElseThrow(() -> new IllegalStateException("no agreed leader"));
    kill(leader);
    return leader;
  }

  /**
   * Waits until every running member reports the same leader, itself running. Called right after
   * {@link #kill}: the time it takes to return is the failover time. The default polls
   * {@link #leaderIndex} every {@link #POLL_INTERVAL}; an implementation that can be told of leader
   * changes may override it.
   *
   * @param timeout how long to wait
   * @return the new leader's index
   * @throws TimeoutException if the survivors do not agree within the timeout
   * @throws InterruptedException if interrupted while waiting
   */
  default int awaitLeaderKnownByAllSurvivors(Duration timeout) throws TimeoutException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      OptionalInt leader = leaderIndex();
      if (leader.isPresent()) {
        return leader.getAsInt();
      }
      if (System.nanoTime() - deadline > 0) {
        throw new TimeoutException("running members did not agree on a leader within " + timeout);
      }
      Thread.sleep(POLL_INTERVAL.toMillis());
    }
  }

  /**
   * Restarts a killed member with its old identity and log, and waits until all members report the
   * same leader again.
   *
   * @param member the member's index
   * @param timeout how long to wait for agreement
   * @throws TimeoutException if the members do not agree within the timeout
   * @throws Exception if the member cannot be started
   */
  void restart(int member, Duration timeout) throws Exception;

  /**
   * Opens a client that writes to the member leading now. The benchmark does not kill members while
   * clients write, so an implementation need not follow leadership changes.
   *
   * @return a client for one thread
   * @throws Exception if no leader is known or it cannot be reached
   */
  Client newClient() throws Exception;

  /**
   * Stops every member (abruptly is fine) and deletes their data.
   *
   * @throws Exception if cleaning up fails
   */
  @Override
  void close() throws Exception;

  /** Writes through consensus. Used by one thread at a time. */
  interface Client extends AutoCloseable {

    /**
     * Writes a key and returns once the write is committed and acknowledged.
     *
     * @param key the key
     * @param value the value
     * @throws Exception if the write failed or its outcome is unknown; the benchmark counts it as an error
     */
    void put(byte[] key, byte[] value) throws Exception;

    /** Releases what this client alone holds; connections shared with other clients may stay open. */
    @Override
    void close();
  }
}
