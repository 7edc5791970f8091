package io.polis.sim.linearizability;

import static org.assertj.core.api.Assertions.assertThat;

import io.polis.sim.linearizability.CheckResult.Verdict;
import org.junit.jupiter.api.Test;

/**
 * The classic ways a store fails linearizability. Each must be caught by the checker, and also by its
 * search alone, without the quick refutations that catch several of them first.
 */
class RejectedHistoriesTest {

  private final HistoryBuilder h = new HistoryBuilder();
  private final LinearizabilityChecker checker = new LinearizabilityChecker();
  private final LinearizabilityChecker searchOnly =
      LinearizabilityChecker.searchOnly(new RegisterModel(), LinearizabilityChecker.DEFAULT_STEP_BUDGET);

  @Test
  void rejectsAStaleReadAfterANewerWriteCompleted() {
    h.put("c1", "a", "x").during(0, 10).ok(1);
    h.put("c1", "a", "y").during(20, 30).ok(2);
    h.get("c2", "a").during(40, 50).reads("x", 1);

    assertViolatedOnA();
  }

  @Test
  void rejectsAReadOfAValueNoWriteProduced() {
    h.put("c1", "a", "x").during(0, 10).ok(1);
    h.get("c2", "a").during(5, 50).reads("z", 1);

    assertViolatedOnA();
  }

  @Test
  void rejectsTwoConcurrentCasThatBothSwappedTheSameExpectedValue() {
    // The versions look like a plausible sequence; only the values show that the second CAS found "y".
    h.put("c1", "a", "x").during(0, 10).ok(1);
    h.cas("c2", "a", "x", "y").during(20, 40).swapped(2);
    h.cas("c3", "a", "x", "z").during(25, 35).swapped(3);

    assertViolatedOnA();
  }

  @Test
  void rejectsAnUpdateLostBehindAReusedVersion() {
    h.put("c1", "a", "x").during(0, 10).ok(1);
    h.put("c2", "a", "y").during(20, 30).ok(1);

    assertViolatedOnA();
  }

  @Test
  void rejectsTwoConcurrentWritesThatBothClaimTheSameVersion() {
    h.put("c1", "a", "x").during(0, 30).ok(1);
    h.put("c2", "a", "y").during(10, 20).ok(1);

    assertViolatedOnA();
  }

  @Test
  void rejectsVersionsThatRunBackwardsInRealTime() {
    h.put("c1", "a", "x").during(0, 10).ok(2);
    h.put("c2", "a", "y").during(20, 30).ok(1);

    assertViolatedOnA();
  }

  @Test
  void rejectsAReadOfAWriteInvokedOnlyAfterTheReadCompleted() {
    h.get("c1", "a").during(0, 10).reads("x", 1);
    h.put("c2", "a", "x").during(20, 30).ok(1);

    assertViolatedOnA();
  }

  @Test
  void rejectsAReadThatSeesTheOldValueAfterAnotherReadSawTheNew() {
    h.put("c1", "a", "x").during(0, 10).ok(1);
    h.put("c1", "a", "y").during(20, 100).ok(2);
    h.get("c2", "a").during(30, 40).reads("y", 2);
    h.get("c3", "a").during(50, 60).reads("x", 1);

    assertViolatedOnA();
  }

  @Test
  void explainsAStaleReadByTheTwoOperationsInvolved() {
    h.put("c1", "a", "x").during(0, 10).ok(1);
    Operation overwrite = h.put("c1", "a", "y").during(20, 30).ok(2);
    Operation stale = h.get("c2", "a").during(40, 50).reads("x", 1);

    CheckResult result = checker.check(h.build());

    assertThat(result.explanation()).startsWith("not linearizable: key \"a\": ")
        .contains(overwrite + " responded before " + stale + " was invoked")
        .contains("versions never decrease");
  }

  @Test
  void explainsASearchThatFoundNoOrderByTheLongestOrderAndTheOperationThatCouldNotFollow() {
    h.put("c1", "a", "x").during(0, 10).ok(1);
    h.cas("c2", "a", "x", "y").during(20, 40).swapped(2);
    Operation second = h.cas("c3", "a", "x", "z").during(25, 35).swapped(3);

    CheckResult result = checker.check(h.build());

    assertThat(result.key()).isEqualTo("a");
    assertThat(result.explanation())
        .contains("Longest consistent order found: 2 of 3 completed operations")
        .contains("=> (\"y\", v2)")
        .contains("Then " + second + " had to take effect by 35, but from (\"y\", v2)")
        .contains(second + ": contradicts the model, which answers not swapped at version 2");
  }

  private void assertViolatedOnA() {
    for (LinearizabilityChecker each : new LinearizabilityChecker[] {checker, searchOnly}) {
      CheckResult result = each.check(h.build());
      assertThat(result.verdict()).as("%s", result).isEqualTo(Verdict.NOT_LINEARIZABLE);
      assertThat(result.key()).isEqualTo("a");
    }
  }
}
