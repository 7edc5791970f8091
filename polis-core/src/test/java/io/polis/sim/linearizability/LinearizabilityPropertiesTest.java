package io.polis.sim.linearizability;

import static org.assertj.core.api.Assertions.assertThat;

import io.polis.sim.linearizability.CheckResult.Verdict;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

/**
 * Random histories of a true sequential execution with overlapping intervals are linearizable by
 * construction, so the checker must accept every one; one altered read makes them not, so it must
 * reject every such alteration.
 */
class LinearizabilityPropertiesTest {

  private final LinearizabilityChecker checker = new LinearizabilityChecker();
  private final LinearizabilityChecker searchOnly =
      LinearizabilityChecker.searchOnly(new RegisterModel(), LinearizabilityChecker.DEFAULT_STEP_BUDGET);

  @Property(tries = 300)
  void acceptsEveryHistoryOfASequentialExecution(@ForAll("shapes") RandomHistories.Shape shape,
      @ForAll long seed) {
    List<Operation> history = RandomHistories.generate(seed, shape).operations();
    Statistics.label("unknown outcomes").collect(history.stream().anyMatch(Operation::isUnknown));

    CheckResult result = checker.check(history);

    assertThat(result.verdict()).as("%s", result).isEqualTo(Verdict.LINEARIZABLE);
    Statistics.label("unknown outcomes").coverage(coverage -> coverage.check(true).count(c -> c > 0));
  }

  @Property(tries = 300)
  void rejectsAReadOfAValueNeverWritten(@ForAll("shapes") RandomHistories.Shape shape, @ForAll long seed,
      @ForAll int pick) {
    List<Operation> history = new ArrayList<>(RandomHistories.generate(seed, shape).operations());
    List<Operation> reads = history.stream().filter(op -> op.isOk() && op.kind() == OperationKind.GET).toList();
    Assume.that(!reads.isEmpty());
    Operation read = reads.get(Math.floorMod(pick, reads.size()));
    long version = ((Output.Read) ((Outcome.Ok) read.outcome()).output()).version();
    history.set(read.id(), read.withOutcome(Outcome.ok(Output.read("never written", version)),
        read.responseNanos()));

    assertRejectedOnKey(history, read.key());
  }

  @Property(tries = 300)
  void rejectsAReadOfAStateOverwrittenBeforeTheReadBegan(@ForAll("shapes") RandomHistories.Shape shape,
      @ForAll long seed, @ForAll int pick) {
    RandomHistories.Generated generated = RandomHistories.generate(seed, shape);
    List<Operation> history = new ArrayList<>(generated.operations());
    List<Operation[]> pairs = overwritesCompletedBeforeARead(generated);
    Assume.that(!pairs.isEmpty());
    Operation[] pair = pairs.get(Math.floorMod(pick, pairs.size()));
    Operation overwrite = pair[0];
    Operation read = pair[1];
    RegisterState overwritten = generated.stateBefore().get(overwrite.id());
    history.set(read.id(), read.withOutcome(Outcome.ok(Output.read(overwritten.value(), overwritten.version())),
        read.responseNanos()));

    assertRejectedOnKey(history, read.key());
  }

  /** Both the checker and its search alone must reject, and blame the altered key. */
  private void assertRejectedOnKey(List<Operation> history, String key) {
    for (LinearizabilityChecker each : new LinearizabilityChecker[] {checker, searchOnly}) {
      CheckResult result = each.check(history);
      assertThat(result.verdict()).as("%s", result).isEqualTo(Verdict.NOT_LINEARIZABLE);
      assertThat(result.key()).isEqualTo(key);
    }
  }

  /**
   * Pairs (write, read) on one key where the write changed the key's state and responded before the
   * read was invoked, so that the read cannot see the state the write replaced.
   */
  private static List<Operation[]> overwritesCompletedBeforeARead(RandomHistories.Generated generated) {
    List<Operation[]> pairs = new ArrayList<>();
    for (Operation write : generated.operations()) {
      RegisterState before = generated.stateBefore().get(write.id());
      if (!write.isOk() || before == null || !changedState(write, before)) {
        continue;
      }
      for (Operation read : generated.operations()) {
        if (read.isOk() && read.kind() == OperationKind.GET && read.key().equals(write.key())
            && write.responseNanos() < read.invokeNanos()) {
          pairs.add(new Operation[] {write, read});
        }
      }
    }
    return pairs;
  }

  private static boolean changedState(Operation write, RegisterState before) {
    Output output = ((Outcome.Ok) write.outcome()).output();
    return output instanceof Output.Written written && written.version() > before.version()
        || output instanceof Output.CasResult cas && cas.succeeded();
  }

  @Provide
  Arbitrary<RandomHistories.Shape> shapes() {
    return Combinators.combine(
        Arbitraries.integers().between(1, 6),
        Arbitraries.integers().between(1, 3),
        Arbitraries.integers().between(1, 150),
        Arbitraries.of(0.0, 0.05, 0.2),
        Arbitraries.of(0.0, 0.05),
        Arbitraries.of(false, true)).as(RandomHistories.Shape::new);
  }
}
