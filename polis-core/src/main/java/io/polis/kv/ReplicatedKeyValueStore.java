package io.polis.kv;

import io.polis.KeyValueStore;
import io.polis.ReadConsistency;
import io.polis.Versioned;
import io.polis.raft.RaftGroup;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The {@link KeyValueStore} of one member: writes become commands proposed to the member's
 * {@link RaftGroup}, and reads run against its {@link KvStateMachine} through the group, which decides how
 * fresh they are. Forwarding to the leader, retries of lost messages and timeouts are the group's
 * business; this class checks arguments, encodes, and turns answers into results.
 *
 * <p>Wiring, in this order: create a {@link KvStateMachine}; start the group's driver with it as the
 * group's state machine; create this store with the group and the same state machine. The store reads
 * that state machine directly, so a different instance would answer reads from a state nobody updates.
 */
public final class ReplicatedKeyValueStore implements KeyValueStore {

  /** Default {@link #maxValueBytes()}: 1 MiB, well under the transport's default frame of 16 MiB. */
  public static final int DEFAULT_MAX_VALUE_BYTES = 1 << 20;

  private final RaftGroup group;
  private final KvStateMachine stateMachine;
  private final int maxValueBytes;

  /**
   * Creates the store with values of at most {@link #DEFAULT_MAX_VALUE_BYTES}.
   *
   * @param group the member's handle on the Raft group
   * @param stateMachine the state machine that group applies its commands to
   */
  public ReplicatedKeyValueStore(RaftGroup group, KvStateMachine stateMachine) {
    this(group, stateMachine, DEFAULT_MAX_VALUE_BYTES);
  }

  /**
   * Creates the store.
   *
   * @param group the member's handle on the Raft group
   * @param stateMachine the state machine that group applies its commands to
   * @param maxValueBytes the largest value this member proposes; each value travels in one log entry and
   *     one message, so it must fit the transport's frame with room to spare
   */
  public ReplicatedKeyValueStore(RaftGroup group, KvStateMachine stateMachine, int maxValueBytes) {
    this.group = Objects.requireNonNull(group, "group");
    this.stateMachine = Objects.requireNonNull(stateMachine, "stateMachine");
    if (maxValueBytes < 0) {
      throw new IllegalArgumentException("maxValueBytes must not be negative, was " + maxValueBytes);
    }
    this.maxValueBytes = maxValueBytes;
  }

  /**
   * Returns the largest value this store accepts.
   *
   * @return the limit in bytes
   */
  public int maxValueBytes() {
    return maxValueBytes;
  }

  @Override
  public CompletableFuture<Versioned> get(String key, ReadConsistency consistency) {
    KvCommand.checkKey(key);
    Objects.requireNonNull(consistency, "consistency");
    // The entry is immutable, so the read only looks it up; the copy for the caller is made afterwards.
    Supplier<KvEntry> read = () -> stateMachine.read(key);
    CompletableFuture<KvEntry> entry = switch (consistency) {
      case LINEARIZABLE -> group.readLinearizable(read);
      case LOCAL -> group.readLocal(read);
    };
    return entry.thenApply(KvEntry::toVersioned);
  }

  @Override
  public CompletableFuture<PutResult> put(String key, byte[] value) {
    KvCommand command = new KvCommand.Put(key, checkValue(value));
    return propose(command).thenApply(applied -> {
      KvResult.Put put = expect(KvResult.Put.class, applied, command);
      return new PutResult(put.created(), put.version(), applied.index());
    });
  }

  @Override
  public CompletableFuture<DeleteResult> delete(String key) {
    KvCommand command = new KvCommand.Delete(key);
    return propose(command).thenApply(applied -> {
      KvResult.Delete delete = expect(KvResult.Delete.class, applied, command);
      return new DeleteResult(delete.existed(), delete.version(), applied.index());
    });
  }

  @Override
  public CompletableFuture<CasResult> compareAndSet(String key, long expectedVersion, byte[] newValue) {
    // The command holds the only copy of the value: the caller may change its array once this returns.
    KvCommand.CompareAndSet command = new KvCommand.CompareAndSet(key, expectedVersion, checkValue(newValue).clone());
    return propose(command).thenApply(applied -> casResult(applied, command, command.value()));
  }

  @Override
  public CompletableFuture<CasResult> compareAndDelete(String key, long expectedVersion) {
    KvCommand command = new KvCommand.CompareAndDelete(key, expectedVersion);
    return propose(command).thenApply(applied -> casResult(applied, command, null));
  }

  @Override
  public String toString() {
    return "ReplicatedKeyValueStore[member " + group.localId().shortForm() + "]";
  }

  private CompletableFuture<RaftGroup.Applied> propose(KvCommand command) {
    // Encoded before returning, so the caller's arrays are copied before the call returns.
    return group.propose(KvCodec.encode(command));
  }

  /** A successful conditional write's state is known here: the value proposed, at the answered version. */
  private static CasResult casResult(RaftGroup.Applied applied, KvCommand command, byte @Nullable [] written) {
    KvResult result = decode(applied, command);
    if (result instanceof KvResult.Swapped swapped) {
      return new CasResult(true, new Versioned(written, swapped.version(), applied.index()), applied.index());
    }
    if (result instanceof KvResult.NotSwapped notSwapped) {
      return new CasResult(false, notSwapped.current().toVersioned(), applied.index());
    }
    throw unexpected(result, applied, command);
  }

  private static <R extends KvResult> R expect(Class<R> type, RaftGroup.Applied applied, KvCommand command) {
    KvResult result = decode(applied, command);
    if (type.isInstance(result)) {
      return type.cast(result);
    }
    throw unexpected(result, applied, command);
  }

  private static KvResult decode(RaftGroup.Applied applied, KvCommand command) {
    try {
      return KvCodec.decodeResult(applied.result());
    } catch (KvFormatException e) {
      // The command was applied, but this member cannot read the answer: a different release wrote it.
      throw new IllegalStateException("cannot read the result of " + command + " at index " + applied.index()
          + ": " + e.getMessage(), e);
    }
  }

  private static IllegalStateException unexpected(KvResult result, RaftGroup.Applied applied, KvCommand command) {
    if (result instanceof KvResult.Rejected rejected) {
      return new IllegalStateException("the state machine rejected " + command + " at index " + applied.index()
          + ": " + rejected.reason());
    }
    return new IllegalStateException("the state machine answered " + command + " at index " + applied.index()
        + " with " + result);
  }

  private byte[] checkValue(byte[] value) {
    Objects.requireNonNull(value, "value");
    if (value.length > maxValueBytes) {
      throw new IllegalArgumentException("value is " + value.length + " bytes, more than the " + maxValueBytes
          + " this store accepts");
    }
    return value;
  }
}
