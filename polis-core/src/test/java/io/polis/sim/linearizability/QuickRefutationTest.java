package io.polis.sim.linearizability;

import static org.assertj.core.api.Assertions.assertThat;

import io.polis.sim.linearizability.RegisterModel.DeleteOfAbsent;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class QuickRefutationTest {

  private final HistoryBuilder h = new HistoryBuilder();

  @Test
  void refutesAVersionBelowOneAnsweredBeforeTheOperationBegan() {
    Operation write = h.put("c1", "a", "x").during(0, 10).ok(3);
    Operation read = h.get("c2", "a").during(11, 20).reads("x", 2);

    assertThat(refute()).hasValueSatisfying(why -> assertThat(why)
        .contains(write + " responded before " + read + " was invoked")
        .contains("versions never decrease"));
  }

  @Test
  void refutesAChangeThatKeepsTheVersionAnsweredBeforeItBegan() {
    h.get("c1", "a").during(0, 10).reads(null, 0);
    h.put("c2", "a", "x").during(11, 20).ok(0);

    assertThat(refute()).hasValueSatisfying(why -> assertThat(why).contains("which a change must move past"));
  }

  @Test
  void refutesTwoConcurrentChangesToTheSameVersion() {
    Operation first = h.put("c1", "a", "x").during(0, 10).ok(1);
    Operation second = h.cas("c2", "a", null, "y").during(5, 15).swapped(1);

    assertThat(refute()).hasValueSatisfying(why -> assertThat(why)
        .contains(first + " and " + second + " both changed the key to version 1"));
  }

  @Test
  void refutesAValueThatNoWriteInvokedInTimeProduced() {
    Operation read = h.get("c1", "a").during(0, 10).reads("x", 1);
    h.put("c2", "a", "x").invokedAtButUnknown(11);

    assertThat(refute()).hasValueSatisfying(why -> assertThat(why)
        .contains(read + " saw \"x\", but no operation invoked before it responded writes that value"));
  }

  @Test
  void refutesACasThatExpectedAValueNothingWrote() {
    h.cas("c1", "a", "x", "y").during(0, 10).swapped(1);

    assertThat(refute()).hasValueSatisfying(why -> assertThat(why).contains("saw \"x\""));
  }

  @Test
  void acceptsConcurrentOperationsInEitherVersionOrder() {
    h.put("c1", "a", "x").during(0, 10).ok(2);
    h.put("c2", "a", "y").during(5, 15).ok(1);
    h.get("c3", "a").during(10, 20).reads("x", 2);

    assertThat(refute()).isEmpty();
  }

  @Test
  void acceptsTwoDeletesOfAnAbsentKeyAtOneVersionUnlessDeletesAlwaysCount() {
    h.delete("c1", "a").during(0, 10).ok(0);
    h.delete("c2", "a").during(5, 15).ok(0);

    assertThat(refute()).isEmpty();
    assertThat(QuickRefutation.refute("a", h.build(), new RegisterModel(DeleteOfAbsent.INCREMENTS_VERSION)))
        .isPresent();
  }

  private Optional<String> refute() {
    return QuickRefutation.refute("a", h.build(), new RegisterModel());
  }
}
