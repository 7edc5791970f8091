package io.polis.sim.linearizability;

import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Writes hand-made histories readably for the checker's tests, one operation a line:
 * {@code h.put("c1", "a", "x").during(0, 10).ok(1)}. Ids follow the order of the lines.
 */
final class HistoryBuilder {

  private final List<Operation> operations = new ArrayList<>();

  Asked get(String client, String key) {
    return new Asked(client, key, Input.get());
  }

  Asked put(String client, String key, String value) {
    return new Asked(client, key, Input.put(value));
  }

  Asked delete(String client, String key) {
    return new Asked(client, key, Input.delete());
  }

  Asked cas(String client, String key, @Nullable String expected, String newValue) {
    return new Asked(client, key, Input.cas(expected, newValue));
  }

  List<Operation> build() {
    return List.copyOf(operations);
  }

  /** An operation whose timing is still to be written. */
  final class Asked {
    private final String client;
    private final String key;
    private final Input input;

    private Asked(String client, String key, Input input) {
      this.client = client;
      this.key = key;
      this.input = input;
    }

    Timed during(long invokeNanos, long responseNanos) {
      return new Timed(this, invokeNanos, responseNanos);
    }

    /** Records an operation invoked at {@code invokeNanos} whose client never heard back. */
    Operation invokedAtButUnknown(long invokeNanos) {
      return add(this, invokeNanos, Operation.NEVER, Outcome.unknown());
    }
  }

  /** An operation whose outcome is still to be written. */
  final class Timed {
    private final Asked asked;
    private final long invokeNanos;
    private final long responseNanos;

    private Timed(Asked asked, long invokeNanos, long responseNanos) {
      this.asked = asked;
      this.invokeNanos = invokeNanos;
      this.responseNanos = responseNanos;
    }

    /** A PUT or DELETE answered with the key's new version. */
    Operation ok(long version) {
      return answered(Output.written(version));
    }

    /** A GET that read {@code value} ({@code null}: absent) at {@code version}. */
    Operation reads(@Nullable String value, long version) {
      return answered(Output.read(value, version));
    }

    Operation swapped(long version) {
      return answered(Output.swapped(version));
    }

    Operation notSwapped(long version) {
      return answered(Output.notSwapped(version));
    }

    Operation failed() {
      return add(asked, invokeNanos, responseNanos, Outcome.failed());
    }

    private Operation answered(Output output) {
      return add(asked, invokeNanos, responseNanos, Outcome.ok(output));
    }
  }

  private Operation add(Asked asked, long invokeNanos, long responseNanos, Outcome outcome) {
    Operation operation = new Operation(operations.size(), asked.client, asked.key, asked.input, invokeNanos,
        responseNanos, outcome);
    operations.add(operation);
    return operation;
  }
}
