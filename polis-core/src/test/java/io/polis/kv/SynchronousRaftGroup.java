package io.polis.kv;

import io.polis.node.Address;
import io.polis.node.MemberId;
import io.polis.raft.ConsensusException;
import io.polis.raft.Configuration;
import io.polis.raft.RaftGroup;
import io.polis.raft.RaftRole;
import io.polis.raft.RaftStatus;
import io.polis.raft.StateMachine;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * A test double of {@link RaftGroup}, not Raft: one member that is always leader, with no log, no
 * replication and no persistence. A proposal is applied to the state machine at once, on the caller's
 * thread, under this object's lock, so the state machine still sees one command at a time in index
 * order, and every future is already complete when it is returned. Reads run under the same lock, so a
 * "linearizable" read is trivially so, and a local read is the same thing.
 *
 * <p>What it is for: testing services built on {@link RaftGroup} (the key-value store) without a
 * cluster, including how they pass consensus failures on: {@link #failWith} makes every call fail as a
 * real group would, until {@link #recover()}.
 */
public final class SynchronousRaftGroup implements RaftGroup {

  private static final MemberId ID = new MemberId(new UUID(0x5157, 1));
  private static final Address ADDRESS = new Address("127.0.0.1", 7800);

  private final StateMachine stateMachine;
  private long index;
  private @Nullable ConsensusException failure;
  private int proposals;
  private int linearizableReads;
  private int localReads;

  /**
   * Creates the group.
   *
   * @param stateMachine what committed commands are applied to
   */
  public SynchronousRaftGroup(StateMachine stateMachine) {
    this.stateMachine = Objects.requireNonNull(stateMachine, "stateMachine");
  }

  /**
   * Makes every following call fail with {@code failure}, without touching the state machine.
   *
   * @param failure what the futures fail with
   */
  public synchronized void failWith(ConsensusException failure) {
    this.failure = Objects.requireNonNull(failure, "failure");
  }

  /** Ends {@link #failWith}: calls succeed again. */
  public synchronized void recover() {
    failure = null;
  }

  @Override
  public synchronized CompletableFuture<Applied> propose(byte[] command) {
    if (failure != null) {
      return CompletableFuture.failedFuture(failure);
    }
    proposals++;
    // A real group sends a copy over the wire; copying here catches a caller that changes its array later.
    byte[] result = stateMachine.apply(++index, command.clone());
    return CompletableFuture.completedFuture(new Applied(index, result));
  }

  @Override
  public synchronized <T> CompletableFuture<T> readLinearizable(Supplier<T> read) {
    if (failure != null) {
      return CompletableFuture.failedFuture(failure);
    }
    linearizableReads++;
    return CompletableFuture.completedFuture(read.get());
  }

  @Override
  public synchronized <T> CompletableFuture<T> readLocal(Supplier<T> read) {
    if (failure != null) {
      return CompletableFuture.failedFuture(failure);
    }
    localReads++;
    return CompletableFuture.completedFuture(read.get());
  }

  @Override
  public synchronized RaftStatus status() {
    return new RaftStatus(ID, RaftRole.LEADER, 1, ID, index, index, index,
        new Configuration(Map.of(ID, ADDRESS), Map.of()), null);
  }

  @Override
  public MemberId localId() {
    return ID;
  }

  /** @return how many proposals reached the state machine */
  public synchronized int proposals() {
    return proposals;
  }

  /** @return how many reads ran through {@link #readLinearizable} */
  public synchronized int linearizableReads() {
    return linearizableReads;
  }

  /** @return how many reads ran through {@link #readLocal} */
  public synchronized int localReads() {
    return localReads;
  }
}
