package io.polis.sim.linearizability;

/** The four operations of the key-value store, each on a single key. */
public enum OperationKind {
  /** Reads the value (or its absence) and the version. */
  GET,
  /** Sets a value. */
  PUT,
  /** Removes the value. */
  DELETE,
  /** Sets a value only if the current one equals an expected value. */
  CAS
}
