package io.polis.sim.linearizability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.polis.sim.linearizability.RegisterModel.DeleteOfAbsent;
import io.polis.sim.linearizability.RegisterModel.Transition;
import org.junit.jupiter.api.Test;

class RegisterModelTest {

  private final RegisterModel model = new RegisterModel();
  private final RegisterState x3 = new RegisterState("x", 3);
  private final RegisterState absent4 = new RegisterState(null, 4);

  @Test
  void everyKeyStartsAbsentAtVersionZero() {
    assertThat(model.initial()).isEqualTo(new RegisterState(null, 0));
    assertThat(model.apply(model.initial(), Input.get()).output()).isEqualTo(Output.read(null, 0));
  }

  @Test
  void getChangesNothingAndAnswersTheValueAndVersion() {
    assertThat(model.apply(x3, Input.get())).isEqualTo(new Transition(x3, Output.read("x", 3)));
    assertThat(model.apply(absent4, Input.get())).isEqualTo(new Transition(absent4, Output.read(null, 4)));
  }

  @Test
  void putSetsTheValueAndIncrementsTheVersionEvenWhenTheValueIsUnchanged() {
    assertThat(model.apply(x3, Input.put("y")))
        .isEqualTo(new Transition(new RegisterState("y", 4), Output.written(4)));
    assertThat(model.apply(x3, Input.put("x")))
        .isEqualTo(new Transition(new RegisterState("x", 4), Output.written(4)));
  }

  @Test
  void deleteOfAPresentKeyMakesItAbsentAndIncrementsTheVersion() {
    assertThat(model.apply(x3, Input.delete()))
        .isEqualTo(new Transition(new RegisterState(null, 4), Output.written(4)));
  }

  @Test
  void deleteOfAnAbsentKeyLeavesTheVersionByDefault() {
    assertThat(model.apply(absent4, Input.delete())).isEqualTo(new Transition(absent4, Output.written(4)));
  }

  @Test
  void deleteOfAnAbsentKeyIncrementsTheVersionWhenConfiguredTo() {
    RegisterModel counting = new RegisterModel(DeleteOfAbsent.INCREMENTS_VERSION);

    assertThat(counting.apply(absent4, Input.delete()))
        .isEqualTo(new Transition(new RegisterState(null, 5), Output.written(5)));
  }

  @Test
  void casSwapsOnlyWhenTheCurrentValueEqualsTheExpectedOne() {
    assertThat(model.apply(x3, Input.cas("x", "y")))
        .isEqualTo(new Transition(new RegisterState("y", 4), Output.swapped(4)));
    assertThat(model.apply(x3, Input.cas("z", "y"))).isEqualTo(new Transition(x3, Output.notSwapped(3)));
    assertThat(model.apply(x3, Input.cas(null, "y"))).isEqualTo(new Transition(x3, Output.notSwapped(3)));
  }

  @Test
  void casCanExpectTheKeyToBeAbsent() {
    assertThat(model.apply(absent4, Input.cas(null, "y")))
        .isEqualTo(new Transition(new RegisterState("y", 5), Output.swapped(5)));
    assertThat(model.apply(absent4, Input.cas("y", "z"))).isEqualTo(new Transition(absent4, Output.notSwapped(4)));
  }

  @Test
  void versionsKeepCountingWhenADeletedKeyIsWrittenAgain() {
    RegisterState state = model.initial();
    for (Input input : new Input[] {Input.put("x"), Input.delete(), Input.put("x")}) {
      state = model.apply(state, input).after();
    }

    assertThat(state).isEqualTo(new RegisterState("x", 3));
  }

  @Test
  void stepRejectsACompletedOperationWhoseAnswerTheModelWouldNotGive() {
    assertThat(model.step(x3, op(Input.put("y"), Outcome.ok(Output.written(4)))))
        .isEqualTo(new RegisterState("y", 4));
    assertThat(model.step(x3, op(Input.put("y"), Outcome.ok(Output.written(5))))).isNull();
    assertThat(model.step(x3, op(Input.get(), Outcome.ok(Output.read("y", 3))))).isNull();
    assertThat(model.step(x3, op(Input.cas("x", "y"), Outcome.ok(Output.notSwapped(3))))).isNull();
  }

  @Test
  void stepAppliesAnOperationOfUnknownOutcomeAsIfItTookEffect() {
    assertThat(model.step(x3, op(Input.cas("x", "y"), Outcome.unknown()))).isEqualTo(new RegisterState("y", 4));
    assertThat(model.step(x3, op(Input.cas("z", "y"), Outcome.unknown()))).isEqualTo(x3);
  }

  @Test
  void stepRefusesAFailedOperationBecauseItNeverTookEffect() {
    assertThatIllegalArgumentException().isThrownBy(() -> model.step(x3, op(Input.put("y"), Outcome.failed())));
  }

  private static Operation op(Input input, Outcome outcome) {
    return new Operation(0, "c", "k", input, 0, 1, outcome);
  }
}
