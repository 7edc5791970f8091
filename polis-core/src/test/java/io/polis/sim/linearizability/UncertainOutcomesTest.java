package io.polis.sim.linearizability;

import static org.assertj.core.api.Assertions.assertThat;

import io.polis.sim.linearizability.CheckResult.Verdict;
import org.junit.jupiter.api.Test;

/**
 * Operations whose client timed out may have taken effect any time after their invocation, or never;
 * operations the store rejected never took effect.
 */
class UncertainOutcomesTest {

  private final HistoryBuilder h = new HistoryBuilder();
  private final LinearizabilityChecker checker = new LinearizabilityChecker();

  @Test
  void acceptsATimedOutWriteWhoseEffectIsObservedLater() {
    h.put("c1", "a", "x").invokedAtButUnknown(0);
    h.get("c2", "a").during(100, 110).reads("x", 1);

    assertVerdict(Verdict.LINEARIZABLE);
  }

  @Test
  void acceptsATimedOutWriteWhoseEffectIsNeverObserved() {
    h.put("c1", "a", "x").invokedAtButUnknown(0);
    h.get("c2", "a").during(100, 110).reads(null, 0);
    h.put("c2", "a", "y").during(120, 130).ok(1);
    h.get("c2", "a").during(140, 150).reads("y", 1);

    assertVerdict(Verdict.LINEARIZABLE);
  }

  @Test
  void acceptsATimedOutWriteTakingEffectAfterItsClientsLaterOperations() {
    h.put("c1", "a", "x").invokedAtButUnknown(0);
    h.put("c1", "a", "y").during(100, 110).ok(1);
    h.get("c2", "a").during(200, 210).reads("x", 2);

    assertVerdict(Verdict.LINEARIZABLE);
  }

  @Test
  void acceptsATimedOutCasEitherWay() {
    h.put("c1", "a", "x").during(0, 10).ok(1);
    h.cas("c1", "a", "x", "y").invokedAtButUnknown(20);
    h.get("c2", "a").during(30, 40).reads("x", 1);
    h.get("c2", "a").during(50, 60).reads("y", 2);

    assertVerdict(Verdict.LINEARIZABLE);
  }

  @Test
  void rejectsATimedOutWriteObservedBeforeItWasInvoked() {
    h.get("c2", "a").during(0, 10).reads("x", 1);
    h.put("c1", "a", "x").invokedAtButUnknown(20);

    assertVerdict(Verdict.NOT_LINEARIZABLE);
  }

  @Test
  void rejectsATimedOutWriteThatWouldHaveToTakeEffectTwice() {
    h.put("c1", "a", "x").invokedAtButUnknown(0);
    h.get("c2", "a").during(10, 20).reads("x", 1);
    h.put("c2", "a", "y").during(30, 40).ok(2);
    h.get("c2", "a").during(50, 60).reads("x", 3);

    assertVerdict(Verdict.NOT_LINEARIZABLE);
  }

  @Test
  void rejectsAFailedWriteThatALaterReadObserves() {
    h.put("c1", "a", "x").during(0, 10).failed();
    h.get("c2", "a").during(20, 30).reads("x", 1);

    assertVerdict(Verdict.NOT_LINEARIZABLE);
  }

  @Test
  void ignoresAFailedWriteThatNobodyObserves() {
    h.put("c1", "a", "x").during(0, 10).failed();
    h.get("c2", "a").during(20, 30).reads(null, 0);

    assertVerdict(Verdict.LINEARIZABLE);
  }

  @Test
  void explainsAnOrderThatNeededATimedOutWriteAsAnAssumption() {
    h.put("c1", "a", "x").invokedAtButUnknown(0);
    h.get("c2", "a").during(10, 20).reads("x", 1);
    h.get("c2", "a").during(30, 40).reads(null, 1);

    CheckResult result = checker.check(h.build());

    assertThat(result.verdict()).isEqualTo(Verdict.NOT_LINEARIZABLE);
    assertThat(result.explanation()).contains("(and 1 of unknown outcome)")
        .contains("(outcome unknown; assumed to take effect here)");
  }

  private void assertVerdict(Verdict expected) {
    CheckResult result = checker.check(h.build());
    assertThat(result.verdict()).as("%s", result).isEqualTo(expected);
  }
}
