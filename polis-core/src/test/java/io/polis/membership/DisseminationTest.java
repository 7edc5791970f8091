package io.polis.membership;

import static org.assertj.core.api.Assertions.assertThat;

import io.polis.node.Address;
import io.polis.node.MemberId;
import io.polis.wire.MemberUpdate;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** SWIM §4.1 (dissemination by piggybacking) with memberlist's lambda * log(n) retransmission bound. */
class DisseminationTest {

  private static MemberUpdate alive(MemberId id, long incarnation) {
    return new MemberUpdate(MemberUpdate.Status.ALIVE, id, new Address("h", 1), incarnation, Map.of(), id);
  }

  @Test
  void eachUpdateIsSentLambdaTimesLogNAndThenDropped() {
    Dissemination d = new Dissemination(3);
    d.enqueue(alive(MemberId.random(), 0));
    int sends = 0;
    while (!d.take(10, 9).isEmpty()) { // ceil(log10(10)) = 1, so 3 sends
      sends++;
    }
    assertThat(sends).isEqualTo(3);
  }

  @Test
  void aNewerUpdateAboutAMemberReplacesTheWaitingOne() {
    Dissemination d = new Dissemination(3);
    MemberId id = MemberId.random();
    d.enqueue(alive(id, 0));
    d.enqueue(alive(id, 1));
    assertThat(d.size()).isEqualTo(1);
    assertThat(d.take(10, 5)).containsExactly(alive(id, 1));
  }

  @Test
  void leastSentUpdatesGoFirstAndAMessageCarriesAtMostMax() {
    Dissemination d = new Dissemination(10);
    MemberId a = MemberId.random();
    d.enqueue(alive(a, 0));
    assertThat(d.take(1, 5)).containsExactly(alive(a, 0));
    MemberId b = MemberId.random();
    d.enqueue(alive(b, 0));
    assertThat(d.take(1, 5)).containsExactly(alive(b, 0));
    assertThat(d.take(5, 5)).hasSize(2);
  }
}
