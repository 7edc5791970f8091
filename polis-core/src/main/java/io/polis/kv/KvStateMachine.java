package io.polis.kv;

import io.polis.KeyValueStore;
import io.polis.raft.StateMachine;
import io.polis.raft.StateSnapshot;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The replicated state of a {@link KeyValueStore}: string keys to versioned byte values, changed only by
 * committed commands, in log order.
 *
 * <p><b>Versions.</b> A key's version counts its changes and never goes back (see {@link io.polis.Versioned}):
 * a put or successful compare-and-set adds one, a delete of a present value adds one and leaves a
 * tombstone that remembers the version, a delete of an absent key changes nothing. So a deleted key
 * written again continues at the version after its delete instead of starting again at 1; that is what
 * keeps compare-and-set free of ABA and what the linearizability checker's register model specifies. The
 * price is one small tombstone per deleted key (its key and two longs), kept until a future compaction
 * command removes old ones.
 *
 * <p><b>Threading.</b> {@link #apply} runs on the group's driver thread, one command at a time, as the
 * {@link StateMachine} contract says. Entries are immutable and held in a concurrent map, so
 * {@link #read} is safe from any thread and sees each key's latest applied state or the one before it.
 * A read that must be linearizable runs through the group ({@code RaftGroup.readLinearizable}).
 *
 * <p><b>Snapshots.</b> {@link #snapshot()} copies the references to the immutable entries (about a
 * pointer copy per key on the driver thread); the snapshot sorts and encodes them when it is written, in
 * the format of {@code KvSnapshotCodec}, tombstones and the applied index included. {@link #restore}
 * decodes and checks a whole snapshot into a new map before it swaps it in.
 *
 * <p><b>Determinism.</b> Each command's effect and result depend only on the current entries, the
 * command's bytes and its index. Bytes that are not a valid command are answered with a rejection
 * (never an exception) and change nothing. No configurable limit is enforced here: two members with
 * different settings would then disagree about the same entry. Value size limits belong to the proposer
 * ({@link ReplicatedKeyValueStore}); the format's own limits (key length, well-formed UTF-8) are the same
 * everywhere.
 */
public final class KvStateMachine implements StateMachine {

  // Replaced whole by restore(), so that readers see the old state or the new one, never a mix.
  private volatile ConcurrentHashMap<String, KvEntry> entries = new ConcurrentHashMap<>();
  private volatile long appliedIndex;
  private volatile int presentKeys;

  /** Creates an empty state machine; give it to the group's driver, then to a {@link ReplicatedKeyValueStore}. */
  public KvStateMachine() {}

  /**
   * Applies one committed command and answers it.
   *
   * @param index the command's log index, which becomes the modification index of what it writes
   * @param command the encoded command
   * @return the encoded result; a rejection if the bytes are not a valid command
   */
  @Override
  public byte[] apply(long index, byte[] command) {
    KvResult result;
    try {
      result = execute(index, KvCodec.decodeCommand(command));
    } catch (KvFormatException e) {
      result = new KvResult.Rejected(e.getMessage());
    }
    appliedIndex = index;
    return KvCodec.encode(result);
  }

  /**
   * Returns the index of the last command applied.
   *
   * @return the index, or 0 before the first command
   */
  public long appliedIndex() {
    return appliedIndex;
  }

  /**
   * Returns how many keys hold a value (tombstones are not counted).
   *
   * @return the number of present keys
   */
  public int size() {
    return presentKeys;
  }

  /**
   * Captures the state after the last command applied. Runs on the driver thread, between two applies,
   * in time linear in the number of keys (a reference copy, no encoding).
   *
   * @return a snapshot that writes this state, whatever is applied afterwards; it may be written on any
   *     thread and more than once
   */
  @Override
  public StateSnapshot snapshot() {
    return KvSnapshotCodec.capture(entries, appliedIndex);
  }

  /**
   * Replaces the whole state with a snapshot's. Runs on the driver thread with nothing applying; reads
   * the stream to its end and does not close it. Readers on other threads see the old state until the
   * new one is complete.
   *
   * @param in bytes written by a {@link #snapshot()}'s {@link StateSnapshot#writeTo}
   * @throws IOException if the stream fails or is not a valid snapshot (unknown format, truncated,
   *     checksum mismatch, out-of-range field); the state is then unchanged
   */
  @Override
  public void restore(InputStream in) throws IOException {
    KvSnapshotCodec.State state = KvSnapshotCodec.read(in);
    entries = state.entries();
    presentKeys = state.presentKeys();
    appliedIndex = state.appliedIndex();
  }

  /** The key's latest applied state; {@link KvEntry#ABSENT} for a key never written. */
  KvEntry read(String key) {
    return entries.getOrDefault(key, KvEntry.ABSENT);
  }

  /** A copy of every entry, tombstones included, for comparing two members' states. */
  Map<String, KvEntry> entries() {
    return Map.copyOf(entries);
  }

  private KvResult execute(long index, KvCommand command) {
    KvEntry current = read(command.key());
    return switch (command.op()) {
      case PUT -> {
        long version = write(command.key(), current, ((KvCommand.Put) command).value(), index);
        yield new KvResult.Put(!current.isPresent(), version);
      }
      case DELETE -> current.isPresent()
          ? new KvResult.Delete(true, write(command.key(), current, null, index))
          : new KvResult.Delete(false, current.version()); // nothing to remove: not a change
      case COMPARE_AND_SET -> {
        KvCommand.CompareAndSet cas = (KvCommand.CompareAndSet) command;
        boolean matches = cas.expectedVersion() == KeyValueStore.ABSENT
            ? !current.isPresent()
            : current.isPresent() && current.version() == cas.expectedVersion();
        yield matches ? new KvResult.Swapped(write(cas.key(), current, cas.value(), index))
            : new KvResult.NotSwapped(current);
      }
      case COMPARE_AND_DELETE -> {
        KvCommand.CompareAndDelete cad = (KvCommand.CompareAndDelete) command;
        boolean matches = current.isPresent() && current.version() == cad.expectedVersion();
        yield matches ? new KvResult.Swapped(write(cad.key(), current, null, index))
            : new KvResult.NotSwapped(current);
      }
    };
  }

  /** Replaces {@code current} with the next version holding {@code value} (null: a tombstone). */
  private long write(String key, KvEntry current, byte @Nullable [] value, long index) {
    KvEntry next = new KvEntry(value, current.version() + 1, index);
    entries.put(key, next);
    // Only this thread writes, so a plain read-modify-write of the volatile is enough.
    presentKeys += (next.isPresent() ? 1 : 0) - (current.isPresent() ? 1 : 0);
    return next.version();
  }
}
