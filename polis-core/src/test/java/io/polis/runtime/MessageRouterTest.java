package io.polis.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.polis.node.Address;
import io.polis.node.MemberId;
import io.polis.transport.PeerInfo;
import io.polis.wire.DataMessage;
import io.polis.wire.Nack;
import io.polis.wire.PeerMessage;
import io.polis.wire.TimeoutNow;
import io.polis.wire.VoteResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Each protocol family reaches its own target, and only that one. */
class MessageRouterTest {

  private static final PeerInfo PEER = new PeerInfo(new MemberId(new UUID(1, 2)), new Address("node-1", 7800));

  private final MessageRouter router = new MessageRouter();
  private final List<String> membership = new ArrayList<>();
  private final List<String> data = new ArrayList<>();
  private final List<String> raft = new ArrayList<>();

  MessageRouterTest() {
    router.routeMembership((from, m) -> membership.add(from.memberId().shortForm() + " " + m.type()));
    router.routeData((from, m) -> data.add(from.memberId().shortForm() + " " + m.type()));
    router.routeRaft((from, m) -> raft.add(from.memberId().shortForm() + " " + m.type() + " " + m.group()));
  }

  @Test
  void routesRaftMessagesOfEveryGroupToTheRaftTargetWithTheirSender() {
    router.onMessage(PEER, new VoteResponse("kv", 3, true, false));
    router.onMessage(PEER, new TimeoutNow("locks", 4));

    String sender = PEER.memberId().shortForm();
    assertThat(raft).containsExactly(sender + " VOTE_RESPONSE kv", sender + " TIMEOUT_NOW locks");
    assertThat(membership).isEmpty();
    assertThat(data).isEmpty();
  }

  @Test
  void routesSwimAndDataMessagesToTheirOwnTargets() {
    router.onMessage(PEER, new Nack(1));
    router.onMessage(PEER, new DataMessage("ch", new byte[0]));

    assertThat(membership).hasSize(1).allMatch(s -> s.endsWith("NACK"));
    assertThat(data).hasSize(1).allMatch(s -> s.endsWith("DATA"));
    assertThat(raft).isEmpty();
  }

  @Test
  void dropsMessagesOfAFamilyWithNoTarget() {
    // Before the Raft engine starts (or on a node without one), its messages are dropped, not thrown
    // back at the transport thread.
    MessageRouter bare = new MessageRouter();

    for (PeerMessage message : List.of(new TimeoutNow("kv", 1), new Nack(1), new DataMessage("ch", new byte[0]))) {
      assertThatCode(() -> bare.onMessage(PEER, message)).doesNotThrowAnyException();
    }
  }

  @Test
  void refusesNullRaftTarget() {
    assertThatThrownBy(() -> router.routeRaft(null)).isInstanceOf(NullPointerException.class);
  }
}
