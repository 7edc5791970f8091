package io.polis.sim.linearizability;

import static org.assertj.core.api.Assertions.assertThat;

import io.polis.sim.linearizability.CheckResult.Verdict;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The history is checked key by key, and each key's search is bounded. */
class KeyPartitioningTest {

  private final HistoryBuilder h = new HistoryBuilder();
  private final LinearizabilityChecker checker = new LinearizabilityChecker();

  @Test
  void versionsCountPerKey() {
    h.put("c1", "a", "x").during(0, 10).ok(1);
    h.put("c1", "b", "x").during(20, 30).ok(1);

    assertThat(checker.check(h.build()).verdict()).isEqualTo(Verdict.LINEARIZABLE);
  }

  @Test
  void reportsAViolationAgainstTheKeyItHappenedOn() {
    h.put("c1", "a", "x").during(0, 10).ok(1);
    h.put("c1", "b", "x").during(0, 10).ok(1);
    h.put("c2", "b", "y").during(20, 30).ok(2);
    h.get("c3", "a").during(40, 50).reads("x", 1);
    Operation stale = h.get("c3", "b").during(40, 50).reads("x", 1);
    h.get("c3", "c").during(40, 50).reads(null, 0);

    CheckResult result = checker.check(h.build());

    assertThat(result.verdict()).isEqualTo(Verdict.NOT_LINEARIZABLE);
    assertThat(result.key()).isEqualTo("b");
    assertThat(result.explanation()).startsWith("not linearizable: key \"b\"").contains(stale.toString())
        .doesNotContain("GET a").doesNotContain("PUT a").doesNotContain("GET c");
  }

  @Test
  void namesEveryKeyWithAViolation() {
    for (String key : List.of("a", "b", "c")) {
      h.put("c1", key, "x").during(0, 10).ok(1);
      h.get("c2", key).during(20, 30).reads(key.equals("b") ? "x" : "y", 1);
    }

    CheckResult result = checker.check(h.build());

    assertThat(result.key()).isEqualTo("a");
    assertThat(result.explanation()).contains("Other keys not linearizable: [c]");
  }

  @Test
  void manyKeysWithConcurrentClientsTakeAboutOneStepPerOperation() {
    List<Operation> history = new ArrayList<>(RandomHistories.generate(7,
        new RandomHistories.Shape(8, 200, 10_000, 0.01, 0.01, false)).operations());
    Operation lastRead = history.stream().filter(op -> op.isOk() && op.kind() == OperationKind.GET)
        .reduce((first, second) -> second).orElseThrow();
    history.set(history.indexOf(lastRead), lastRead.withOutcome(Outcome.ok(Output.read("never written", 1)),
        lastRead.responseNanos()));

    CheckResult result = checker.check(history);

    assertThat(result.verdict()).isEqualTo(Verdict.NOT_LINEARIZABLE);
    assertThat(result.key()).isEqualTo(lastRead.key());
    assertThat(result.steps()).as("%s", result).isLessThan(5L * history.size());
  }

  @Test
  void saysUnknownWhenTheBudgetRunsOutRatherThanSearchingOn() {
    for (int i = 0; i < 20; i++) {
      h.put("c1", "a", "x").during(10 * i, 10 * i + 5).ok(i + 1);
    }

    CheckResult result = new LinearizabilityChecker(new RegisterModel(), 10).check(h.build());

    assertThat(result.verdict()).isEqualTo(Verdict.UNKNOWN);
    assertThat(result.key()).isEqualTo("a");
    assertThat(result.explanation()).startsWith("unknown (budget exhausted)").contains("within 10 search steps");
  }

  @Test
  void reportsAViolationOnOneKeyEvenWhenAnotherKeyRunsOutOfBudget() {
    for (int i = 0; i < 20; i++) {
      h.put("c1", "a", "x").during(10 * i, 10 * i + 5).ok(i + 1);
    }
    h.get("c2", "b").during(0, 5).reads("x", 1);

    CheckResult result = new LinearizabilityChecker(new RegisterModel(), 10).check(h.build());

    assertThat(result.verdict()).isEqualTo(Verdict.NOT_LINEARIZABLE);
    assertThat(result.key()).isEqualTo("b");
  }
}
