package io.polis.sim.linearizability;

import static org.assertj.core.api.Assertions.assertThat;

import io.polis.sim.linearizability.CheckResult.Verdict;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Histories that have a valid order, which the checker must find. */
class AcceptedHistoriesTest {

  private final HistoryBuilder h = new HistoryBuilder();
  private final LinearizabilityChecker checker = new LinearizabilityChecker();

  @Test
  void acceptsTheEmptyHistory() {
    assertLinearizable(List.of());
  }

  @Test
  void acceptsASequentialHistoryOfEveryKindOfOperation() {
    h.get("c1", "a").during(0, 1).reads(null, 0);
    h.put("c1", "a", "x").during(2, 3).ok(1);
    h.get("c2", "a").during(4, 5).reads("x", 1);
    h.cas("c2", "a", "x", "y").during(6, 7).swapped(2);
    h.cas("c1", "a", "x", "z").during(8, 9).notSwapped(2);
    h.delete("c1", "a").during(10, 11).ok(3);
    h.delete("c2", "a").during(12, 13).ok(3); // absent already: nothing changes
    h.cas("c1", "a", null, "w").during(14, 15).swapped(4);
    h.get("c2", "a").during(16, 17).reads("w", 4);

    assertLinearizable(h.build());
  }

  @Test
  void acceptsConcurrentWritesThatTookEffectInTheOppositeOrderOfTheirInvocation() {
    h.put("c1", "a", "x").during(0, 50).ok(2);
    h.put("c2", "a", "y").during(10, 20).ok(1);
    h.get("c3", "a").during(30, 40).reads("y", 1);
    h.get("c3", "a").during(60, 70).reads("x", 2);

    assertLinearizable(h.build());
  }

  @Test
  void acceptsReadsDuringAWriteThatSeeTheOldValueAndThenTheNew() {
    h.put("c1", "a", "x").during(0, 10).ok(1);
    h.put("c1", "a", "y").during(20, 60).ok(2);
    h.get("c2", "a").during(30, 40).reads("x", 1);
    h.get("c3", "a").during(25, 55).reads("y", 2);
    h.get("c2", "a").during(45, 70).reads("y", 2);

    assertLinearizable(h.build());
  }

  @Test
  void acceptsTwoConcurrentCasWithTheSameExpectationWhenOnlyOneSwapped() {
    h.put("c1", "a", "x").during(0, 10).ok(1);
    h.cas("c2", "a", "x", "y").during(20, 40).notSwapped(2);
    h.cas("c3", "a", "x", "z").during(25, 35).swapped(2);
    h.get("c1", "a").during(50, 60).reads("z", 2);

    assertLinearizable(h.build());
  }

  @Test
  void acceptsManyOverlappingWritesOfTheSameValue() {
    // Equal values make many orders look alike; versions pick out the one that works.
    for (int i = 0; i < 6; i++) {
      h.put("c" + i, "a", "x").during(i, 100 + i).ok(6 - i);
    }
    h.get("c9", "a").during(200, 210).reads("x", 6);

    assertLinearizable(h.build());
  }

  @Test
  void countsOperationsWhoseIntervalsOnlyTouchAsConcurrent() {
    // The simulator can deliver a response and the next invocation at the same virtual instant.
    h.put("c1", "a", "x").during(0, 10).ok(1);
    h.get("c2", "a").during(10, 20).reads(null, 0);

    assertLinearizable(h.build());
  }

  private void assertLinearizable(List<Operation> history) {
    CheckResult result = checker.check(history);
    assertThat(result.verdict()).as("%s", result).isEqualTo(Verdict.LINEARIZABLE);
  }
}
