package io.polis.kv;

/**
 * Bytes that are not a valid key-value command or result. The message says which field was wrong, so
 * that a state machine can answer the proposer with it instead of throwing.
 */
final class KvFormatException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  KvFormatException(String message) {
    super(message);
  }
}
