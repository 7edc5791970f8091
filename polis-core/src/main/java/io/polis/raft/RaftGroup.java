package io.polis.raft;

import io.polis.node.MemberId;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * One member's handle on a Raft group: what services (the key-value store, the registry, elections)
 * program against. Every method may be called from any thread and none blocks.
 *
 * <p>Failures arrive through the futures as {@link ConsensusException} subclasses:
 * {@link NotLeaderException} when no leader is known (or leadership moved and the command was lost),
 * {@link NoQuorumException} when the leader cannot reach a majority, {@link ConsensusTimeoutException}
 * when the outcome is unknown within the timeout (the command may still be applied later).
 */
public interface RaftGroup {

  /**
   * Proposes a command. On a follower it is forwarded to the leader. The future completes once the
   * command is committed and applied on this member.
   *
   * @param command the command, opaque to consensus
   * @return the state machine's result and the command's log index
   */
  CompletableFuture<Applied> propose(byte[] command);

  /**
   * Reads after every write acknowledged before this call: confirms the read index with the leader
   * (ReadIndex, Raft thesis §6.4), waits until this member has applied that far, then runs the read on
   * the member's state-machine thread.
   *
   * @param read reads the local state machine
   * @param <T> the read's result
   * @return the result of the read
   */
  <T> CompletableFuture<T> readLinearizable(Supplier<T> read);

  /**
   * Reads this member's state as it is, with no round trip: it may miss recent writes.
   *
   * @param read reads the local state machine
   * @param <T> the read's result
   * @return the result of the read, run on the member's state-machine thread
   */
  <T> CompletableFuture<T> readLocal(Supplier<T> read);

  /**
   * Returns what this member knows now.
   *
   * @return a snapshot of role, term, leader and indexes
   */
  RaftStatus status();

  /**
   * Returns this member's id in the group.
   *
   * @return the member id
   */
  MemberId localId();

  /** What a command's application returned, and where it sits in the log. */
  record Applied(long index, byte[] result) {}
}
