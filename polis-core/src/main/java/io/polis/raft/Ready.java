package io.polis.raft;

import io.polis.node.MemberId;
import io.polis.wire.LogEntry;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Everything the core asks its driver to do after a batch of inputs. The driver handles the fields in
 * this order, then calls {@link RaftCore#advance(Ready)}:
 *
 * <ol>
 *   <li>{@link #snapshot()}, if any, is installed in storage and the state machine.
 *   <li>{@link #hardState()} and {@link #entries()} are saved to stable storage in one
 *       {@link RaftStorage#save} — BEFORE any message is sent that may promise them (a vote given,
 *       entries acknowledged). The exceptions are a leader's: its AppendRequests and heartbeats
 *       ({@link #leaderReplication()}) may go out before the save, and its entries may be written with
 *       {@link RaftStorage#write} and forced later, off the driver's thread, since a leader counts its own
 *       entries toward a majority only once they are durable: after {@link RaftCore#advance}, or after
 *       {@link RaftCore#advanceWritten} and then {@link RaftCore#persistedTo} once forced. Its other
 *       messages promise nothing about its entries, and a term or vote it saves is durable when
 *       {@code write} returns.
 *   <li>{@link #messages()} are sent, in order, and transfers to {@link #snapshotTargets()} start.
 *   <li>{@link #committedEntries()} are applied to the state machine, in order. They are only ever
 *       entries saved (or, on a leader, written) in this or an earlier batch. A leader may apply them
 *       before it sends: they are durable on a majority already.
 *   <li>{@link #readStates()} are answered once the applied index reaches each one's index.
 * </ol>
 *
 * @param hardState the hard state to save, or null when unchanged
 * @param snapshot a snapshot received from the leader that replaces the log, or null: before anything
 *     else, the driver installs it in storage ({@link RaftStorage#installSnapshot}) and restores the state
 *     machine from it; the committed entries that follow come after it
 * @param entries entries to append to storage, possibly replacing a conflicting suffix
 * @param committedEntries entries newly known committed, to apply
 * @param messages messages to send after saving
 * @param snapshotTargets members that need the newest snapshot ({@link RaftCore#snapshotSaved}) because
 *     their next entries were compacted away: the driver streams it to them and reports the outcome to
 *     {@link RaftCore#snapshotTransferEnded}
 * @param readStates confirmed read indexes
 * @param role the member's role when the batch was made
 * @param leader the leader it knows, or null
 * @param term its term
 */
public record Ready(@Nullable HardState hardState, @Nullable SnapshotMeta snapshot, List<LogEntry> entries,
    List<LogEntry> committedEntries, List<Outbound> messages, List<MemberId> snapshotTargets,
    List<ReadState> readStates, RaftRole role, @Nullable MemberId leader, long term) {

  /**
   * Returns the messages that may be sent before the save: a leader's AppendRequests and heartbeats.
   *
   * @return those messages, in order; empty unless the batch was made by a leader
   */
  public List<Outbound> leaderReplication() {
    if (role != RaftRole.LEADER) {
      return List.of();
    }
    return messages.stream().filter(Ready::isLeaderReplication).toList();
  }

  /**
   * Returns the messages that must wait for the save: everything not in {@link #leaderReplication()}.
   *
   * @return those messages, in order
   */
  public List<Outbound> afterSave() {
    if (role != RaftRole.LEADER) {
      return messages;
    }
    return messages.stream().filter(m -> !isLeaderReplication(m)).toList();
  }

  private static boolean isLeaderReplication(Outbound out) {
    return out.message() instanceof io.polis.wire.AppendRequest || out.message() instanceof io.polis.wire.RaftHeartbeat;
  }

  /**
   * Tells whether this batch asks for anything at all.
   *
   * @return true when there is something to save, send, apply or answer
   */
  public boolean isEmpty() {
    return hardState == null && snapshot == null && entries.isEmpty() && committedEntries.isEmpty()
        && messages.isEmpty() && snapshotTargets.isEmpty() && readStates.isEmpty();
  }
}
