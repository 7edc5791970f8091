package io.polis.runtime;

import io.polis.node.MemberId;
import io.polis.raft.StateMachine;
import io.polis.wire.EntryKind;
import io.polis.wire.LogEntry;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies committed entries to the state machine, in order and each command once, and hands the results of
 * this member's own proposals back to their callers. Runs on the driver thread.
 */
final class CommandApplier {

  private static final Logger log = LoggerFactory.getLogger(CommandApplier.class);

  private final MemberId id;
  private final MemberId session;
  private final StateMachine stateMachine;
  private final PendingRequests pending;
  private AppliedRequests appliedRequests = new AppliedRequests();
  private long appliedIndex;

  CommandApplier(MemberId id, MemberId session, StateMachine stateMachine, PendingRequests pending) {
    this.id = id;
    this.session = session;
    this.stateMachine = stateMachine;
    this.pending = pending;
  }

  long appliedIndex() {
    return appliedIndex;
  }

  /** A copy of the duplicate-detection windows as of the last entry applied, for a snapshot. */
  AppliedRequests requestsForSnapshot() {
    return appliedRequests.copy();
  }

  /** The state machine was restored from a snapshot at {@code index} holding these windows. */
  void restoredTo(long index, AppliedRequests requests) {
    appliedIndex = index;
    appliedRequests = requests;
    pending.applied(appliedIndex);
  }

  void apply(List<LogEntry> entries) {
    for (LogEntry e : entries) {
      appliedIndex = e.index();
      if (e.kind() != EntryKind.COMMAND) {
        continue;
      }
      CommandEnvelope command = CommandEnvelope.decode(e.data());
      if (command == null) {
        log.warn("{} skipped entry {}: not a command this version understands", id.shortForm(), e.index());
        continue;
      }
      if (!appliedRequests.firstTime(command.origin(), command.sequence(), e.index())) {
        continue; // delivered twice; applied the first time
      }
      byte[] result;
      try {
        result = stateMachine.apply(e.index(), command.payload());
      } catch (RuntimeException failure) {
        log.error("{} state machine failed on entry {}; counted as applied with an empty result", id.shortForm(),
            e.index(), failure);
        result = new byte[0];
      }
      if (command.origin().equals(session)) {
        pending.completeProposal(command.sequence(), e.index(), result);
      }
    }
    pending.applied(appliedIndex);
  }
}
