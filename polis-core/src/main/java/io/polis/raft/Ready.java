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
 *   <li>{@link #hardState()} and {@link #entries()} are saved to stable storage in one
 *       {@link RaftStorage#save} — BEFORE any message is sent, since the messages may promise them
 *       (a vote given, entries acknowledged).
 *   <li>{@link #messages()} are sent, in order.
 *   <li>{@link #committedEntries()} are applied to the state machine, in order. They are only ever
 *       entries saved in this or an earlier batch.
 *   <li>{@link #readStates()} are answered once the applied index reaches each one's index.
 * </ol>
 *
 * @param hardState the hard state to save, or null when unchanged
 * @param entries entries to append to storage, possibly replacing a conflicting suffix
 * @param committedEntries entries newly known committed, to apply
 * @param messages messages to send after saving
 * @param readStates confirmed read indexes
 * @param role the member's role when the batch was made
 * @param leader the leader it knows, or null
 * @param term its term
 */
public record Ready(@Nullable HardState hardState, List<LogEntry> entries, List<LogEntry> committedEntries,
    List<Outbound> messages, List<ReadState> readStates, RaftRole role, @Nullable MemberId leader, long term) {

  /**
   * Tells whether this batch asks for anything at all.
   *
   * @return true when there is something to save, send, apply or answer
   */
  public boolean isEmpty() {
    return hardState == null && entries.isEmpty() && committedEntries.isEmpty() && messages.isEmpty()
        && readStates.isEmpty();
  }
}
