package io.polis.raft;

import io.polis.node.Address;
import io.polis.node.MemberId;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** This member cannot serve the request because it is not the leader and cannot reach one. */
public final class NotLeaderException extends ConsensusException {

  private static final long serialVersionUID = 1L;

  private final transient @Nullable MemberId leader;
  private final transient @Nullable Address leaderAddress;

  /**
   * Creates the exception.
   *
   * @param message what happened
   * @param leader the leader this member knows, or null
   * @param leaderAddress that leader's address, or null
   */
  public NotLeaderException(String message, @Nullable MemberId leader, @Nullable Address leaderAddress) {
    super(message);
    this.leader = leader;
    this.leaderAddress = leaderAddress;
  }

  /**
   * Returns the leader known when the request failed.
   *
   * @return the leader, if one was known
   */
  public Optional<MemberId> leader() {
    return Optional.ofNullable(leader);
  }

  /**
   * Returns the known leader's address, where a client may retry.
   *
   * @return the address, if a leader was known
   */
  public Optional<Address> leaderAddress() {
    return Optional.ofNullable(leaderAddress);
  }
}
