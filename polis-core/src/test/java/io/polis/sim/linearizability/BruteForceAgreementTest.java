package io.polis.sim.linearizability;

import static org.assertj.core.api.Assertions.assertThat;

import io.polis.sim.linearizability.CheckResult.Verdict;
import io.polis.sim.linearizability.RegisterModel.DeleteOfAbsent;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.statistics.Statistics;

/**
 * On histories small enough to try every order, the checker, with or without its quick refutations,
 * must say exactly what a brute-force search says. The histories are true executions with up to two
 * answers altered at random, so that both verdicts are common, and every pruning and shortcut of the
 * search is held to the plain definition.
 */
class BruteForceAgreementTest {

  @Property(tries = 3000)
  void agreesWithTryingEveryOrder(@ForAll long seed, @ForAll @IntRange(min = 1, max = 9) int operations,
      @ForAll @IntRange(min = 0, max = 2) int alterations, @ForAll boolean deletesAlwaysCount,
      @ForAll boolean uniqueValues) {
    RegisterModel model = new RegisterModel(
        deletesAlwaysCount ? DeleteOfAbsent.INCREMENTS_VERSION : DeleteOfAbsent.LEAVES_VERSION);
    SplittableRandom random = new SplittableRandom(seed);
    List<Operation> history = new ArrayList<>(RandomHistories.generate(seed,
        new RandomHistories.Shape(3, 1, operations, 0.25, 0.1, uniqueValues), model).operations());
    for (int i = 0; i < alterations; i++) {
      alter(history, random);
    }

    boolean expected = new BruteForceChecker(model).isLinearizable(history);
    Statistics.collect(expected ? "linearizable" : "not linearizable");

    Verdict want = expected ? Verdict.LINEARIZABLE : Verdict.NOT_LINEARIZABLE;
    for (LinearizabilityChecker checker : new LinearizabilityChecker[] {new LinearizabilityChecker(model, 1_000_000),
        LinearizabilityChecker.searchOnly(model, 1_000_000)}) {
      CheckResult result = checker.check(history);
      assertThat(result.verdict()).as("%s%nfor %s", result, history).isEqualTo(want);
    }
    Statistics.coverage(coverage -> {
      coverage.check("linearizable").percentage(p -> p > 20);
      coverage.check("not linearizable").percentage(p -> p > 20);
    });
  }

  /** Changes one completed operation's answer a little: a value, a version, or whether a CAS swapped. */
  private static void alter(List<Operation> history, SplittableRandom random) {
    List<Operation> completed = history.stream().filter(Operation::isOk).toList();
    if (completed.isEmpty()) {
      return;
    }
    Operation target = completed.get(random.nextInt(completed.size()));
    Output output = ((Outcome.Ok) target.outcome()).output();
    long version = Math.max(0, output.version() + (random.nextBoolean() ? 1 : -1));
    Output altered;
    if (output instanceof Output.Read read) {
      altered = random.nextBoolean() ? Output.read(read.value(), version)
          : Output.read(random.nextInt(4) == 0 ? null : "abc".substring(random.nextInt(3)).substring(0, 1),
              read.version());
    } else if (output instanceof Output.CasResult cas) {
      altered = random.nextBoolean() ? new Output.CasResult(!cas.succeeded(), cas.version())
          : new Output.CasResult(cas.succeeded(), version);
    } else {
      altered = Output.written(version);
    }
    history.set(history.indexOf(target), target.withOutcome(Outcome.ok(altered), target.responseNanos()));
  }
}
