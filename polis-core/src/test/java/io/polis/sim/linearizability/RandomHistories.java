package io.polis.sim.linearizability;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.jspecify.annotations.Nullable;

/**
 * Generates histories that are linearizable by construction: clients issue operations one after the
 * other with random, overlapping intervals; each operation that takes effect gets a linearization point
 * inside its interval (anywhere after its invocation if its outcome is unknown); the operations are then
 * run through the {@link RegisterModel} in the order of those points, and completed ones get exactly the
 * answers the model gives.
 */
final class RandomHistories {

  /** Few values, so that different writes of one value, and CAS hits, are common. */
  private static final String[] FEW_VALUES = {"a", "b", "c"};
  private static final long MAX_GAP = 10;
  private static final long MAX_DURATION = 60;
  /** How long a client waits before it gives up on an operation and moves on. */
  private static final long TIMEOUT = 100;

  /**
   * @param clients how many clients run concurrently
   * @param keys how many keys they use
   * @param operations how many operations in all
   * @param unknownRate the share of operations whose client times out
   * @param failedRate the share of operations the store rejects
   * @param uniqueValues whether every write writes a value of its own, as a careful test does, rather than
   *     one of three
   */
  record Shape(int clients, int keys, int operations, double unknownRate, double failedRate,
      boolean uniqueValues) {}

  /**
   * @param operations the history, in order of invocation (ids are indexes)
   * @param stateBefore for every operation that took effect, by id, its key's state just before it
   */
  record Generated(List<Operation> operations, Map<Integer, RegisterState> stateBefore) {}

  private record Draft(int id, String client, String key, Input input, long invoke, long response,
      @Nullable Long point, boolean unknown, boolean failed) {}

  private RandomHistories() {}

  static Generated generate(long seed, Shape shape) {
    return generate(seed, shape, new RegisterModel());
  }

  /**
   * @param model the specification whose answers the history carries
   */
  static Generated generate(long seed, Shape shape, RegisterModel model) {
    SplittableRandom random = new SplittableRandom(seed);
    long[] freeAt = new long[shape.clients()];
    Map<String, String> lastWritten = new HashMap<>();
    List<Draft> drafts = new ArrayList<>(shape.operations());
    for (int id = 0; id < shape.operations(); id++) {
      int client = earliestFree(freeAt, random);
      drafts.add(draft(id, client, shape, freeAt, lastWritten, random));
    }
    Map<String, RegisterState> states = new HashMap<>();
    Map<Integer, Output> outputs = new HashMap<>();
    Map<Integer, RegisterState> before = new HashMap<>();
    drafts.stream().filter(d -> d.point() != null)
        .sorted(Comparator.comparingLong((Draft d) -> d.point()).thenComparingInt(Draft::id))
        .forEach(d -> {
          RegisterState state = states.getOrDefault(d.key(), model.initial());
          RegisterModel.Transition transition = model.apply(state, d.input());
          before.put(d.id(), state);
          states.put(d.key(), transition.after());
          outputs.put(d.id(), transition.output());
        });
    List<Operation> operations = drafts.stream().map(d -> new Operation(d.id(), d.client(), d.key(), d.input(),
        d.invoke(), d.response(), d.unknown() ? Outcome.unknown()
            : d.failed() ? Outcome.failed() : Outcome.ok(outputs.get(d.id())))).toList();
    return new Generated(operations, before);
  }

  /** The client that finished first goes next, so that every client keeps about one operation in flight. */
  private static int earliestFree(long[] freeAt, SplittableRandom random) {
    int best = random.nextInt(freeAt.length);
    for (int c = 0; c < freeAt.length; c++) {
      if (freeAt[c] < freeAt[best]) {
        best = c;
      }
    }
    return best;
  }

  private static Draft draft(int id, int client, Shape shape, long[] freeAt, Map<String, String> lastWritten,
      SplittableRandom random) {
    long invoke = freeAt[client] + random.nextLong(MAX_GAP + 1);
    long response = invoke + 1 + random.nextLong(MAX_DURATION);
    String key = "k" + random.nextInt(shape.keys());
    String value = shape.uniqueValues() ? "v" + id : FEW_VALUES[random.nextInt(FEW_VALUES.length)];
    Input input = input(random, value, lastWritten.get(key));
    if (input instanceof Input.Put || input instanceof Input.Cas) {
      lastWritten.put(key, value);
    }
    double fate = random.nextDouble();
    boolean unknown = fate < shape.unknownRate();
    boolean failed = !unknown && fate < shape.unknownRate() + shape.failedRate();
    Long point;
    if (unknown) {
      // It may take effect long after the client gave up, or never.
      point = random.nextBoolean() ? invoke + random.nextLong(3 * TIMEOUT) : null;
      freeAt[client] = invoke + TIMEOUT;
    } else {
      point = failed ? null : invoke + random.nextLong(response - invoke + 1);
      freeAt[client] = response;
    }
    return new Draft(id, "c" + client, key, input, invoke, response, point, unknown, failed);
  }

  /**
   * @param value the value to write, if the operation writes
   * @param recent the value last written to the key by an operation invoked earlier, a likely current one
   */
  private static Input input(SplittableRandom random, String value, @Nullable String recent) {
    int roll = random.nextInt(100);
    if (roll < 35) {
      return Input.get();
    }
    if (roll < 60) {
      return Input.put(value);
    }
    if (roll < 70) {
      return Input.delete();
    }
    return Input.cas(random.nextInt(4) == 0 ? null : recent, value);
  }
}
