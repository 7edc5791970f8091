package io.polis.sim.linearizability;

import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * Which operations of one key the search has linearized so far, as bits, and compact snapshots of it
 * for the memo of explored configurations.
 *
 * <p>Completed operations take the low slots in order of invocation and unknown ones the slots after
 * them. The search linearizes completed operations roughly in time order, so their words fill up from
 * the bottom: a snapshot drops the leading full words and the trailing empty ones, and keeps only the
 * window in between plus the few unknown operations. That keeps the memo small for long histories.
 */
final class LinearizedSet {

  private final int completedCount;
  private final long[] completed;
  private final long[] unknown;

  /**
   * @param completedCount how many slots belong to completed operations
   * @param unknownCount how many slots after them belong to operations of unknown outcome
   */
  LinearizedSet(int completedCount, int unknownCount) {
    this.completedCount = completedCount;
    this.completed = new long[words(completedCount)];
    this.unknown = new long[words(unknownCount)];
  }

  void set(int slot) {
    if (slot < completedCount) {
      completed[slot >>> 6] |= 1L << slot;
    } else {
      unknown[(slot - completedCount) >>> 6] |= 1L << (slot - completedCount);
    }
  }

  void clear(int slot) {
    if (slot < completedCount) {
      completed[slot >>> 6] &= ~(1L << slot);
    } else {
      unknown[(slot - completedCount) >>> 6] &= ~(1L << (slot - completedCount));
    }
  }

  /**
   * @param state the model state reached with this set linearized
   * @return an immutable key naming this configuration
   */
  Snapshot snapshot(RegisterState state) {
    int full = 0;
    while (full < completed.length && completed[full] == -1L) {
      full++;
    }
    int end = completed.length;
    while (end > full && completed[end - 1] == 0) {
      end--;
    }
    int unknownEnd = unknown.length;
    while (unknownEnd > 0 && unknown[unknownEnd - 1] == 0) {
      unknownEnd--;
    }
    long[] window = new long[end - full + unknownEnd];
    System.arraycopy(completed, full, window, 0, end - full);
    System.arraycopy(unknown, 0, window, end - full, unknownEnd);
    return new Snapshot(full, end - full, window, state);
  }

  private static int words(int bits) {
    return (bits + 63) >>> 6;
  }

  /**
   * A configuration of the search: the linearized set (leading full words counted, not stored) and the
   * model state. Two equal snapshots have the same future, so the search never explores one twice.
   */
  static final class Snapshot {
    private final int fullWords;
    private final int completedWords;
    private final long[] window;
    private final RegisterState state;
    private final int hash;

    private Snapshot(int fullWords, int completedWords, long[] window, RegisterState state) {
      this.fullWords = fullWords;
      this.completedWords = completedWords;
      this.window = window;
      this.state = state;
      this.hash = 31 * (31 * (31 * fullWords + completedWords) + Arrays.hashCode(window)) + state.hashCode();
    }

    @Override
    public boolean equals(@Nullable Object other) {
      return other instanceof Snapshot s && hash == s.hash && fullWords == s.fullWords
          && completedWords == s.completedWords && Arrays.equals(window, s.window) && state.equals(s.state);
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }
}
