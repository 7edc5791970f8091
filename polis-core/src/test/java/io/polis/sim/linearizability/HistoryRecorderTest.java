package io.polis.sim.linearizability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.tuple;

import io.polis.sim.SimulatedScheduler;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class HistoryRecorderTest {

  private final SimulatedScheduler scheduler = new SimulatedScheduler();
  private final HistoryRecorder recorder = new HistoryRecorder(scheduler);

  @Test
  void recordsInvocationAndResponseAtTheSimulatorsVirtualTime() {
    scheduler.advance(Duration.ofNanos(100));
    HistoryRecorder.Pending put = recorder.invoke("c1", "k", Input.put("x"));
    scheduler.advance(Duration.ofNanos(50));
    put.ok(Output.written(1));

    assertThat(recorder.history()).containsExactly(
        new Operation(0, "c1", "k", Input.put("x"), 100, 150, Outcome.ok(Output.written(1))));
  }

  @Test
  void numbersOperationsInOrderOfInvocation() {
    HistoryRecorder.Pending first = recorder.invoke("c1", "k", Input.get());
    HistoryRecorder.Pending second = recorder.invoke("c2", "k", Input.delete());
    second.failed();
    first.ok(Output.read(null, 0));

    assertThat(recorder.history()).extracting(Operation::id, Operation::client)
        .containsExactly(tuple(0, "c1"), tuple(1, "c2"));
    assertThat(recorder.history().get(1).isFailed()).isTrue();
  }

  @Test
  void aTimedOutOperationNeverResponds() {
    HistoryRecorder.Pending put = recorder.invoke("c1", "k", Input.put("x"));
    scheduler.advance(Duration.ofSeconds(1));

    Operation recorded = put.unknown();

    assertThat(recorded.isUnknown()).isTrue();
    assertThat(recorded.responseNanos()).isEqualTo(Operation.NEVER);
  }

  @Test
  void anOperationStillPendingCountsAsUnknown() {
    recorder.invoke("c1", "k", Input.cas("x", "y"));

    assertThat(recorder.history()).singleElement()
        .satisfies(op -> assertThat(op.isUnknown()).isTrue())
        .satisfies(op -> assertThat(op.responseNanos()).isEqualTo(Operation.NEVER));
  }

  @Test
  void refusesToEndAnOperationTwice() {
    HistoryRecorder.Pending get = recorder.invoke("c1", "k", Input.get());
    get.ok(Output.read(null, 0));

    assertThatIllegalStateException().isThrownBy(get::unknown);
  }

  @Test
  void refusesAnAnswerOfTheWrongKind() {
    HistoryRecorder.Pending get = recorder.invoke("c1", "k", Input.get());

    assertThatIllegalArgumentException().isThrownBy(() -> get.ok(Output.written(1)));
  }

  @Test
  void recordedHistoriesGoStraightToTheChecker() {
    HistoryRecorder.Pending put = recorder.invoke("c1", "k", Input.put("x"));
    scheduler.advance(Duration.ofNanos(10));
    HistoryRecorder.Pending get = recorder.invoke("c2", "k", Input.get());
    put.ok(Output.written(1));
    scheduler.advance(Duration.ofNanos(10));
    get.ok(Output.read("y", 1));

    assertThat(new LinearizabilityChecker().check(recorder.history()).verdict())
        .isEqualTo(CheckResult.Verdict.NOT_LINEARIZABLE);
  }
}
