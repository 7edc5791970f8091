package io.polis.transport.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class NetworkFaultsTest {

  @Test
  void noneIsAPerfectFifoNetwork() {
    assertThat(NetworkFaults.NONE).isEqualTo(
        new NetworkFaults(0, 0, Duration.ZERO, Duration.ZERO, false));
    assertThat(NetworkFaults.builder().build()).isEqualTo(NetworkFaults.NONE);
  }

  @Test
  void toBuilderChangesOnlyWhatIsSet() {
    NetworkFaults lossy = NetworkFaults.builder().lossProbability(0.3).delay(Duration.ofMillis(2)).build();

    NetworkFaults changed = lossy.toBuilder().reordering(true).build();

    assertThat(changed).isEqualTo(new NetworkFaults(0.3, 0, Duration.ofMillis(2), Duration.ofMillis(2), true));
  }

  @Test
  void probabilitiesOutsideZeroToOneAreRejected() {
    assertThatIllegalArgumentException().isThrownBy(() -> NetworkFaults.builder().lossProbability(1.5).build())
        .withMessageContaining("lossProbability");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> NetworkFaults.builder().duplicationProbability(-0.1).build())
        .withMessageContaining("duplicationProbability");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> NetworkFaults.builder().lossProbability(Double.NaN).build())
        .withMessageContaining("lossProbability");
  }

  @Test
  void delaysMustBeOrderedNonNegativeAndBounded() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> NetworkFaults.builder().delay(Duration.ofMillis(5), Duration.ofMillis(1)).build())
        .withMessageContaining("maxDelay");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> NetworkFaults.builder().delay(Duration.ofMillis(-1)).build())
        .withMessageContaining("minDelay");
    assertThatIllegalArgumentException().isThrownBy(() -> NetworkFaults.builder().delay(Duration.ofDays(2)).build())
        .withMessageContaining("maxDelay");
  }
}
