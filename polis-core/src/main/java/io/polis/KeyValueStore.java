package io.polis;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * A replicated map from string keys to byte values, CONSISTENT (through Raft): every write is a command
 * in the group's log, applied in the same order on every member, so the minority side of a partition
 * cannot write. Each key carries a version (see {@link Versioned}) so that clients can update it with
 * compare-and-set instead of locks.
 *
 * <p><b>Calls.</b> Every method may be called from any thread and none blocks. Arguments are checked
 * before anything is proposed: a null argument throws {@link NullPointerException} and a bad one
 * {@link IllegalArgumentException} from the call itself, so such a call never reaches the log. A key is a
 * non-empty string of well-formed Unicode of at most {@value #MAX_KEY_BYTES} bytes in UTF-8; the largest
 * value is set by the implementation.
 *
 * <p><b>Failures</b> arrive through the futures, as the consensus layer reports them (classes in
 * {@code io.polis.raft}):
 * <ul>
 *   <li>{@code NotLeaderException}: no leader was known, or leadership moved and a write was lost. A write
 *       made on a follower is forwarded to the leader without the caller's help; this only means there
 *       was none to forward to. The write did not happen; retrying is safe.
 *   <li>{@code NoQuorumException}: the leader cannot reach a majority; nothing can be written or read
 *       linearizably until it can.
 *   <li>{@code ConsensusTimeoutException}: the outcome is <em>unknown</em> in time. A write may still be
 *       applied later, so retry a put only if applying it twice is harmless; a compare-and-set retried
 *       with the same expected version is safe, as it cannot succeed twice.
 *   <li>{@code ProposalRejectedException}: the leader refused to take a write now (for example during a
 *       leadership transfer). The write did not happen.
 *   <li>{@link IllegalStateException}: the state machine refused the command, which only happens when
 *       members run incompatible versions of this store.
 * </ul>
 * A future failed by {@link CompletableFuture#get()} throws {@link java.util.concurrent.ExecutionException}
 * with one of these as its cause; {@link CompletableFuture#join()} wraps it in a
 * {@link java.util.concurrent.CompletionException}.
 *
 * <p>Futures complete on the thread the consensus layer completes them on; chain slow work with an
 * {@code ...Async} method and an executor of your own.
 */
public interface KeyValueStore {

  /** The most bytes a key may take in UTF-8. */
  int MAX_KEY_BYTES = 1024;

  /** The expected version that asks a compare-and-set for a key that holds no value, whatever its version. */
  long ABSENT = 0;

  /**
   * Reads a key linearizably: the answer reflects every write acknowledged before this call.
   *
   * @param key the key
   * @return the key's state; {@link Versioned#isPresent()} tells whether it holds a value
   */
  default CompletableFuture<Versioned> get(String key) {
    return get(key, ReadConsistency.LINEARIZABLE);
  }

  /**
   * Reads a key with the chosen consistency. {@link ReadConsistency#LOCAL} answers from this member
   * without a round trip and may be stale, even without a leader.
   *
   * @param key the key
   * @param consistency how fresh the answer must be
   * @return the key's state
   */
  CompletableFuture<Versioned> get(String key, ReadConsistency consistency);

  /**
   * Sets a key's value, whatever it held before.
   *
   * @param key the key
   * @param value the value; copied before the call returns
   * @return the key's new version and the write's log index
   */
  CompletableFuture<PutResult> put(String key, byte[] value);

  /**
   * Sets a key's value only if it holds none: {@code compareAndSet(key, ABSENT, value)}.
   *
   * @param key the key
   * @param value the value; copied before the call returns
   * @return whether the value was set, and the key's state after the command
   */
  default CompletableFuture<CasResult> putIfAbsent(String key, byte[] value) {
    return compareAndSet(key, ABSENT, value);
  }

  /**
   * Removes a key's value. Deleting an absent key changes nothing, not even its version.
   *
   * @param key the key
   * @return whether the key held a value, and its version after the command
   */
  CompletableFuture<DeleteResult> delete(String key);

  /**
   * Sets a key's value only if the key is in the expected state.
   *
   * @param key the key
   * @param expectedVersion {@link #ABSENT} (0): the key must hold no value, whatever its version;
   *     otherwise the key must hold a value at exactly this version
   * @param newValue the value to set; copied before the call returns
   * @return whether the value was set, and the key's state after the command: on success the new value
   *     at its new version, on failure the state that did not match
   */
  CompletableFuture<CasResult> compareAndSet(String key, long expectedVersion, byte[] newValue);

  /**
   * Removes a key's value only if the key holds a value at exactly the expected version, so that a
   * client deletes only the state it has seen (a lock it still holds, say).
   *
   * @param key the key
   * @param expectedVersion the version the key must hold a value at; at least 1
   * @return whether the value was removed, and the key's state after the command
   */
  CompletableFuture<CasResult> compareAndDelete(String key, long expectedVersion);

  /**
   * What a put did.
   *
   * @param created whether the key held no value before
   * @param version the key's new version; the one before was {@code version - 1}
   * @param index the write's Raft log index, which is the new state's {@link Versioned#modIndex()}
   */
  record PutResult(boolean created, long version, long index) {}

  /**
   * What a delete did.
   *
   * @param existed whether the key held a value, which is now removed
   * @param version the key's version after the command: one more than before if it existed, otherwise
   *     unchanged
   * @param index the command's Raft log index
   */
  record DeleteResult(boolean existed, long version, long index) {

    /**
     * Returns the version of the state the command found.
     *
     * @return the key's version before the command
     */
    public long previousVersion() {
      return existed ? version - 1 : version;
    }
  }

  /**
   * What a conditional write did.
   *
   * @param succeeded whether the key was in the expected state, so the write took place
   * @param current the key's state after the command: the written state if it succeeded, otherwise the
   *     state that did not match
   * @param index the command's Raft log index (also when it did not succeed: it was still committed)
   */
  record CasResult(boolean succeeded, Versioned current, long index) {

    /** Validates the components. */
    public CasResult {
      Objects.requireNonNull(current, "current");
    }
  }
}
