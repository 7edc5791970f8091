package io.polis.transport.local;

import static io.polis.transport.local.TestNetwork.inversions;
import static org.assertj.core.api.Assertions.assertThat;

import io.polis.transport.local.TestNetwork.Node;
import io.polis.transport.local.TestNetwork.Received;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LocalNetworkFaultsTest {

  private static final int MESSAGES = 10_000;
  private static final Duration JITTER_MIN = Duration.ofMillis(1);
  private static final Duration JITTER_MAX = Duration.ofMillis(50);

  private final TestNetwork net = new TestNetwork(7);
  private Node a;
  private Node b;

  @BeforeEach
  void connect() {
    a = net.start("a");
    b = net.start("b");
    net.connectAll(a, b);
  }

  @AfterEach
  void countersAddUpAndNoTaskFailed() {
    net.runUntilIdle();
    NetworkStats stats = net.network.stats();
    assertThat(stats.sent() + stats.duplicated()).isEqualTo(stats.delivered() + stats.dropped());
    assertThat(stats.inFlight()).isZero();
    assertThat(net.scheduler.failures()).isEmpty();
  }

  @Test
  void lossDropsRoughlyTheConfiguredFraction() {
    net.network.setFaults(NetworkFaults.builder().lossProbability(0.2).build());

    sendNumbered(MESSAGES);
    net.runUntilIdle();

    // Binomial(10,000, 0.2): mean 2,000, standard deviation 40; five deviations either way.
    NetworkStats stats = net.network.stats();
    assertThat(stats.dropped()).isBetween(1_800L, 2_200L);
    assertThat(stats.delivered()).isEqualTo(MESSAGES - stats.dropped());
    assertThat(b.inbox).hasSize((int) stats.delivered());
    assertThat(inversions(b.numbers())).as("losing messages does not reorder the rest").isZero();
  }

  @Test
  void duplicationDeliversRoughlyTheConfiguredFractionTwice() {
    net.network.setFaults(NetworkFaults.builder().duplicationProbability(0.1).build());

    sendNumbered(MESSAGES);
    net.runUntilIdle();

    // Binomial(10,000, 0.1): mean 1,000, standard deviation 30; five deviations either way.
    NetworkStats stats = net.network.stats();
    assertThat(stats.duplicated()).isBetween(850L, 1_150L);
    assertThat(b.inbox).hasSize(MESSAGES + (int) stats.duplicated());
    assertThat(b.numbers().stream().distinct().count()).as("every message at least once").isEqualTo(MESSAGES);
  }

  @Test
  void jitterKeepsOrderOnAConnectionByDefault() {
    net.network.setFaults(NetworkFaults.builder().delay(JITTER_MIN, JITTER_MAX).build());

    sendNumbered(1_000);
    net.runUntilIdle();

    assertThat(b.numbers()).containsExactlyElementsOf(IntStream.range(0, 1_000).boxed().toList());
  }

  @Test
  void jitterReordersWhenReorderingIsOn() {
    net.network.setFaults(NetworkFaults.builder().delay(JITTER_MIN, JITTER_MAX).reordering(true).build());

    sendNumbered(1_000);
    net.runUntilIdle();

    assertThat(b.inbox).hasSize(1_000);
    assertThat(inversions(b.numbers())).isPositive();
    List<Duration> arrivals = b.inbox.stream().map(Received::at).toList();
    assertThat(arrivals).isSorted().allSatisfy(at -> assertThat(at).isBetween(JITTER_MIN, JITTER_MAX));
  }

  @Test
  void zeroJitterKeepsOrderEvenWithReorderingOn() {
    net.network.setFaults(NetworkFaults.builder().delay(Duration.ofMillis(5)).reordering(true).build());

    sendNumbered(1_000);
    net.runUntilIdle();

    assertThat(b.numbers()).containsExactlyElementsOf(IntStream.range(0, 1_000).boxed().toList());
  }

  @Test
  void linkFaultsOverrideTheNetworkFaultsForOneDirection() {
    net.network.setLinkFaults(a.address(), b.address(), NetworkFaults.builder().lossProbability(1).build());

    sendNumbered(10);
    IntStream.range(0, 10).forEach(i -> b.send(a, i));
    net.runUntilIdle();

    assertThat(b.inbox).isEmpty();
    assertThat(a.inbox).hasSize(10);

    net.network.clearLinkFaults(a.address(), b.address());
    a.send(b, 99);
    net.runUntilIdle();
    assertThat(b.numbers()).containsExactly(99);
  }

  @Test
  void faultsApplyToMessagesSentAfterTheChange() {
    a.send(b, 1);
    net.network.setFaults(NetworkFaults.builder().lossProbability(1).build());
    a.send(b, 2);
    net.runUntilIdle();

    assertThat(b.numbers()).containsExactly(1);
  }

  private void sendNumbered(int count) {
    for (int i = 0; i < count; i++) {
      a.send(b, i);
    }
  }
}
