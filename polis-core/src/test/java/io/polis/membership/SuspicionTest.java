package io.polis.membership;

import static org.assertj.core.api.Assertions.assertThat;

import io.polis.node.MemberId;
import org.junit.jupiter.api.Test;

/** Lifeguard §IV-B: the suspicion timeout shrinks logarithmically with independent confirmations. */
class SuspicionTest {

  @Test
  void startsAtTheMaximumAndReachesTheMinimumAfterTheExpectedConfirmations() {
    assertThat(Suspicion.timeoutNanos(0, 3, 100, 600)).isEqualTo(600);
    assertThat(Suspicion.timeoutNanos(1, 3, 100, 600)).isEqualTo(350);
    assertThat(Suspicion.timeoutNanos(3, 3, 100, 600)).isEqualTo(100);
    assertThat(Suspicion.timeoutNanos(10, 3, 100, 600)).isEqualTo(100);
  }

  @Test
  void withNobodyToConfirmTheMinimumApplies() {
    assertThat(Suspicion.timeoutNanos(0, 0, 100, 600)).isEqualTo(100);
  }

  @Test
  void onlyIndependentConfirmationsCount() {
    MemberId accuser = MemberId.random();
    Suspicion s = new Suspicion(0, accuser, 1_000, 100, 600, 3);
    assertThat(s.deadlineNanos()).isEqualTo(1_600);
    assertThat(s.confirm(accuser)).isFalse();
    MemberId second = MemberId.random();
    assertThat(s.confirm(second)).isTrue();
    assertThat(s.confirm(second)).isFalse();
    assertThat(s.deadlineNanos()).isEqualTo(1_350);
  }
}
