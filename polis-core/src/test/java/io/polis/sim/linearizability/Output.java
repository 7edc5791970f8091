package io.polis.sim.linearizability;

import org.jspecify.annotations.Nullable;

/**
 * What the store answered to an operation that completed. Every output carries the key's version as
 * the operation left it, so that the checker can hold the store to exact version numbers.
 */
public sealed interface Output {

  /** @return the key's version as the operation saw or left it */
  long version();

  /**
   * @param kind an operation kind
   * @return whether this output is the kind of answer such an operation gets
   */
  boolean answers(OperationKind kind);

  /**
   * @param value the value read; {@code null}: the key was absent
   * @param version the key's version when read
   * @return the answer to a GET
   */
  static Output read(@Nullable String value, long version) {
    return new Read(value, version);
  }

  /**
   * @param version the key's version after the write
   * @return the answer to a PUT or DELETE
   */
  static Output written(long version) {
    return new Written(version);
  }

  /**
   * @param version the key's new version
   * @return the answer to a CAS that swapped
   */
  static Output swapped(long version) {
    return new CasResult(true, version);
  }

  /**
   * @param version the key's version, unchanged
   * @return the answer to a CAS that found another value and changed nothing
   */
  static Output notSwapped(long version) {
    return new CasResult(false, version);
  }

  /**
   * The answer to a GET.
   *
   * @param value the value read; {@code null}: the key was absent
   * @param version the key's version when read
   */
  record Read(@Nullable String value, long version) implements Output {
    @Override
    public boolean answers(OperationKind kind) {
      return kind == OperationKind.GET;
    }

    @Override
    public String toString() {
      return RegisterState.show(value) + " at version " + version;
    }
  }

  /**
   * The answer to a PUT or DELETE.
   *
   * @param version the key's version after the write
   */
  record Written(long version) implements Output {
    @Override
    public boolean answers(OperationKind kind) {
      return kind == OperationKind.PUT || kind == OperationKind.DELETE;
    }

    @Override
    public String toString() {
      return "version " + version;
    }
  }

  /**
   * The answer to a CAS.
   *
   * @param succeeded whether the key held the expected value, so the new one was set
   * @param version the key's version after the CAS: the new one if it succeeded, else the unchanged one
   */
  record CasResult(boolean succeeded, long version) implements Output {
    @Override
    public boolean answers(OperationKind kind) {
      return kind == OperationKind.CAS;
    }

    @Override
    public String toString() {
      return (succeeded ? "swapped" : "not swapped") + " at version " + version;
    }
  }
}
