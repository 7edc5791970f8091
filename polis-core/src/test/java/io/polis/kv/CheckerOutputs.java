package io.polis.kv;

import io.polis.KeyValueStore.CasResult;
import io.polis.KeyValueStore.DeleteResult;
import io.polis.KeyValueStore.PutResult;
import io.polis.Versioned;
import io.polis.sim.linearizability.Output;
import io.polis.sim.linearizability.RegisterModel;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * Turns the store's answers into the linearizability checker's {@link Output}s, for simulator tests that
 * record a client history of a {@link io.polis.KeyValueStore}. The store's versions are the
 * {@link RegisterModel}'s exactly (they count changes and survive deletes), and its default
 * {@link RegisterModel.DeleteOfAbsent#LEAVES_VERSION} is what the store does, so no translation is needed
 * beyond the values: they are UTF-8 text here, so tests should write UTF-8 values, distinct per write.
 *
 * <p>The checker's CAS compares values where the store compares versions. A client recording
 * {@code Input.cas(expected, next)} calls {@code compareAndSet(key, v, next)} with {@code v} the version at
 * which it saw {@code expected} written or read ({@link io.polis.KeyValueStore#ABSENT} for a {@code null}
 * expected value). With distinct values the two conditions are the same: a key holds {@code expected}
 * exactly while it is at that version.
 */
public final class CheckerOutputs {

  private CheckerOutputs() {}

  /**
   * @param read what a get answered
   * @return the checker's answer to a GET
   */
  public static Output read(Versioned read) {
    return Output.read(text(read.value()), read.version());
  }

  /**
   * @param put what a put answered
   * @return the checker's answer to a PUT
   */
  public static Output put(PutResult put) {
    return Output.written(put.version());
  }

  /**
   * @param delete what a delete answered
   * @return the checker's answer to a DELETE
   */
  public static Output delete(DeleteResult delete) {
    return Output.written(delete.version());
  }

  /**
   * @param cas what a compare-and-set answered
   * @return the checker's answer to a CAS
   */
  public static Output cas(CasResult cas) {
    return new Output.CasResult(cas.succeeded(), cas.current().version());
  }

  /**
   * @param value a value as the store holds it
   * @return the value as the checker's text, {@code null} for absent
   */
  public static @Nullable String text(byte @Nullable [] value) {
    return value == null ? null : new String(value, StandardCharsets.UTF_8);
  }
}
