package io.polis.raft;

import io.polis.wire.EntryKind;
import io.polis.wire.LogEntry;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a member keeps its Raft log and {@link HardState}: in memory for tests, in files in production.
 *
 * <p><b>Contract.</b>
 *
 * <ul>
 *   <li>One thread uses a storage: the member's driver, with one exception: {@link #force()}, which the
 *       driver may hand to one other thread at a time. Reads made by the core happen on the driver's
 *       thread between saves and writes.
 *   <li>{@link #save} and {@link #write} are the only mutations of the log and hard state. When
 *       {@link #save} returns, what it was given is as durable as the store's sync policy promises (the
 *       in-memory store: survives a simulated crash, not a real one). The driver calls it before sending
 *       any message that depends on what it saves.
 *   <li>{@link #write} is for a leader's own entries, which the leader counts toward a majority only once
 *       durable: it writes them (readable at once) and says whether they still owe a force. If they do, the
 *       driver runs {@link #force()} (on another thread, while it goes on writing and answering) and only
 *       then tells the core they are durable. A hard state that changes the term or the vote is durable
 *       when {@code write} returns, as with {@code save}. Every other mutation, and {@link #save}'s own
 *       force, waits for a running {@code force()} to end and leaves nothing unforced that the policy wants
 *       forced: a member that stops leading makes its earlier writes durable with its first save, before it
 *       answers anyone.
 *   <li>Appended entries replace every stored entry at or after the first new entry's index: that is how
 *       a follower's conflicting, uncommitted suffix is truncated (Raft §5.3).
 *   <li>Indexes start at 1. Reads outside {@code [firstIndex() - 1, lastIndex()]} throw
 *       {@link IndexOutOfBoundsException}; the term at {@code firstIndex() - 1} is the term of the last
 *       entry compacted away (0 when nothing was).
 *   <li>An I/O failure is thrown as {@link java.io.UncheckedIOException}; the driver then stops the member
 *       rather than run on a log it cannot trust.
 * </ul>
 */
public interface RaftStorage extends AutoCloseable {

  /**
   * Returns the hard state last saved.
   *
   * @return the hard state, {@link HardState#EMPTY} for a new store
   */
  HardState hardState();

  /**
   * Returns the index of the first entry still held.
   *
   * @return 1 until the log is compacted
   */
  long firstIndex();

  /**
   * Returns the index of the last entry held.
   *
   * @return the last index, or {@code firstIndex() - 1} when the log is empty
   */
  long lastIndex();

  /**
   * Returns the term of the entry at an index.
   *
   * @param index from {@code firstIndex() - 1} to {@code lastIndex()}
   * @return the term
   */
  long term(long index);

  /**
   * Returns consecutive entries.
   *
   * @param from the first index wanted, at least {@link #firstIndex()}
   * @param toExclusive one past the last index wanted, at most {@code lastIndex() + 1}
   * @param maxBytes a soft limit on their total {@link LogEntry#sizeInBytes()}; at least one entry is
   *     returned when the range is not empty
   * @return the entries, in index order
   */
  List<LogEntry> entries(long from, long toExclusive, long maxBytes);

  /**
   * Returns the entries of kind {@link EntryKind#CONFIGURATION} held, in index order. The core calls it once,
   * when it starts, to learn the membership the log holds.
   *
   * <p>This default reads the whole log, 4 MiB at a time so that a long log is never in memory at once. A
   * store that knows where its configuration entries are should answer without reading the others: on a
   * log of a million entries the whole read costs as much again as opening it.
   *
   * @return the configuration entries from {@link #firstIndex()} on
   */
  default List<LogEntry> configurationEntries() {
    List<LogEntry> found = new ArrayList<>();
    long last = lastIndex();
    for (long from = firstIndex(); from <= last; ) {
      List<LogEntry> slice = entries(from, last + 1, 4L << 20);
      for (LogEntry e : slice) {
        if (e.kind() == EntryKind.CONFIGURATION) {
          found.add(e);
        }
      }
      from += slice.size();
    }
    return found;
  }

  /**
   * Saves a new hard state and/or new entries, durably per the store's policy, in one step.
   *
   * @param hardState the new hard state, or null when unchanged
   * @param entries entries to append (replacing any stored at or after the first one's index); may be empty
   */
  void save(@org.jspecify.annotations.Nullable HardState hardState, List<LogEntry> entries);

  /**
   * Writes like {@link #save}, but may leave the entries' force for a later {@link #force()}: a leader's
   * own entries, which it counts toward a majority only once the driver reports them durable. A hard state
   * that changes the term or the vote is durable when it returns, as with {@link #save}; so are entries
   * that replace stored ones (a leader never writes such).
   *
   * <p>This default saves, so nothing is left owing.
   *
   * @param hardState the new hard state, or null when unchanged
   * @param entries entries to append; may be empty
   * @return true when the entries are written but owe a {@link #force()} before the store's policy counts
   *     them durable; false when they are already as durable as the policy promises
   */
  default boolean write(@org.jspecify.annotations.Nullable HardState hardState, List<LogEntry> entries) {
    save(hardState, entries);
    return false;
  }

  /**
   * Makes durable everything {@link #write} wrote before this call started. The one method that may run on
   * a thread other than the driver's (one such thread at a time), while the driver reads and writes on.
   *
   * <p>This default does nothing, for stores whose {@link #write} owes nothing.
   *
   * @throws IllegalStateException if the store was closed
   * @throws java.io.UncheckedIOException on an I/O failure: the driver then stops the member
   */
  default void force() {
    // nothing is ever owed by the default write
  }

  /**
   * Discards the entries up to {@code index}, which a durable snapshot now covers. {@link #firstIndex()}
   * becomes {@code index + 1} and {@link #term} keeps answering {@code term} for {@code index}, also after
   * a restart. Durable when it returns.
   *
   * @param index the last index the snapshot covers, from {@code firstIndex() - 1} to {@code lastIndex()}
   * @param term the term of that entry, which the log holds
   * @throws IllegalArgumentException if the index was already compacted away, is past the log, or the term
   *     does not match
   */
  void compact(long index, long term);

  /**
   * Makes the log start after a snapshot received from the leader (Raft §7): if the log holds
   * {@code index} at {@code term}, the entries up to it are discarded and the ones after it kept, as
   * {@link #compact} does; otherwise every entry is discarded. Either way {@link #firstIndex()} becomes
   * {@code index + 1} and {@link #term} answers {@code term} for {@code index}. Durable when it returns.
   *
   * @param index the last index the snapshot covers, at least {@code firstIndex() - 1}
   * @param term the term of that entry
   * @throws IllegalArgumentException if the log was already compacted past {@code index}
   */
  void installSnapshot(long index, long term);

  /**
   * Makes durable what the store's policy says is due by now but a save left unsynced (under an interval
   * policy, the last writes before a quiet spell). The driver calls it on every tick; a store with
   * nothing due returns at once.
   */
  default void syncDue() {
    // nothing unsynced in stores that save durably or not at all
  }

  /** Releases files and locks. The in-memory store keeps its contents so a "restarted" member finds them. */
  @Override
  void close();
}
