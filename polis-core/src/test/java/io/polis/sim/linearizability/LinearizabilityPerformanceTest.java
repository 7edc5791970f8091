package io.polis.sim.linearizability;

import static org.assertj.core.api.Assertions.assertThat;

import io.polis.sim.linearizability.CheckResult.Verdict;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The checker must keep up with the histories simulator runs produce. Bounds are generous, far above
 * the measured times, so that a slow shared machine cannot make them flake.
 */
class LinearizabilityPerformanceTest {

  private static final Duration BOUND = Duration.ofSeconds(10);

  private final LinearizabilityChecker checker = new LinearizabilityChecker();

  @Test
  void checksFiveThousandOperationsByFiveClientsOnEightKeysWellUnderTheBound() {
    assertCheckedInTime("5,000 ops, 5 clients, 8 keys", new RandomHistories.Shape(5, 8, 5_000, 0.01, 0.01, false));
  }

  @Test
  void checksTwoThousandOperationsByFiveClientsOnOneKeyWellUnderTheBound() {
    assertCheckedInTime("2,000 ops, 5 clients, 1 key", new RandomHistories.Shape(5, 1, 2_000, 0.01, 0.01, false));
  }

  @Test
  void findsAStaleReadAmongFiveThousandOperationsWithTimeoutsWellUnderTheBound() {
    RandomHistories.Generated generated =
        RandomHistories.generate(1, new RandomHistories.Shape(5, 8, 5_000, 0.05, 0.01, true));
    List<Operation> history = new ArrayList<>(generated.operations());
    // The last read of the history goes back to the state its key had before an earlier completed write.
    Operation read = history.stream().filter(op -> op.isOk() && op.kind() == OperationKind.GET)
        .reduce((first, second) -> second).orElseThrow();
    Operation overwrite = history.stream().filter(op -> op.isOk() && op.kind() == OperationKind.PUT
        && op.key().equals(read.key()) && op.responseNanos() < read.invokeNanos())
        .reduce((first, second) -> second).orElseThrow();
    RegisterState overwritten = generated.stateBefore().get(overwrite.id());
    history.set(read.id(), read.withOutcome(
        Outcome.ok(Output.read(overwritten.value(), overwritten.version())), read.responseNanos()));

    long start = System.nanoTime();
    CheckResult result = checker.check(history);
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    System.out.printf("linearizability check finding a stale read among 5,000 ops: %d ms%n", took.toMillis());
    assertThat(result.verdict()).as("%s", result).isEqualTo(Verdict.NOT_LINEARIZABLE);
    assertThat(result.key()).isEqualTo(read.key());
    assertThat(took).isLessThan(BOUND);
  }

  private void assertCheckedInTime(String name, RandomHistories.Shape shape) {
    for (long seed = 1; seed <= 5; seed++) {
      List<Operation> history = RandomHistories.generate(seed, shape).operations();

      long start = System.nanoTime();
      CheckResult result = checker.check(history);
      Duration took = Duration.ofNanos(System.nanoTime() - start);

      System.out.printf("linearizability check of %s, seed %d: %d ms, %d steps%n", name, seed, took.toMillis(),
          result.steps());
      assertThat(result.verdict()).as("%s", result).isEqualTo(Verdict.LINEARIZABLE);
      assertThat(took).isLessThan(BOUND);
    }
  }
}
