package io.polis.sim.linearizability;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What a client asked the store to do to one key: the operation's kind and its arguments.
 *
 * <p>Values are strings so that histories print readably; a test of a store of bytes encodes them
 * (hex, Base64) so that equal bytes give equal strings. {@code null} stands for "absent" wherever a
 * value may be missing.
 */
public sealed interface Input {

  /** @return the kind of operation this input asks for */
  OperationKind kind();

  /** @return a read of the key */
  static Input get() {
    return new Get();
  }

  /**
   * @param value the value to set
   * @return a write of {@code value}
   */
  static Input put(String value) {
    return new Put(value);
  }

  /** @return a removal of the key's value */
  static Input delete() {
    return new Delete();
  }

  /**
   * @param expected the value the key must hold for the swap to happen; {@code null}: the key must be absent
   * @param newValue the value to set if it does
   * @return a compare-and-set
   */
  static Input cas(@Nullable String expected, String newValue) {
    return new Cas(expected, newValue);
  }

  /** Reads the key's value and version. */
  record Get() implements Input {
    @Override
    public OperationKind kind() {
      return OperationKind.GET;
    }

    @Override
    public String toString() {
      return "";
    }
  }

  /**
   * Sets the key's value.
   *
   * @param value the value to set
   */
  record Put(String value) implements Input {
    /** Rejects a missing value: a PUT always writes one (DELETE removes). */
    public Put {
      Objects.requireNonNull(value, "value");
    }

    @Override
    public OperationKind kind() {
      return OperationKind.PUT;
    }

    @Override
    public String toString() {
      return RegisterState.show(value);
    }
  }

  /** Removes the key's value. */
  record Delete() implements Input {
    @Override
    public OperationKind kind() {
      return OperationKind.DELETE;
    }

    @Override
    public String toString() {
      return "";
    }
  }

  /**
   * Sets {@code newValue} if and only if the key currently holds {@code expected}.
   *
   * @param expected the value required; {@code null}: the key must be absent
   * @param newValue the value to set
   */
  record Cas(@Nullable String expected, String newValue) implements Input {
    /** Rejects a missing new value: a CAS always writes one when it succeeds. */
    public Cas {
      Objects.requireNonNull(newValue, "newValue");
    }

    @Override
    public OperationKind kind() {
      return OperationKind.CAS;
    }

    @Override
    public String toString() {
      return RegisterState.show(expected) + "->" + RegisterState.show(newValue);
    }
  }
}
