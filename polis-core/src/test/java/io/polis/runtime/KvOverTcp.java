package io.polis.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.polis.KeyValueStore;
import io.polis.ReadConsistency;
import io.polis.kv.KvStateMachine;
import io.polis.kv.ReplicatedKeyValueStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/** Writes and checks keys {@code k0, k1, ...} through the key-value store of a {@link RaftTcpCluster} member. */
final class KvOverTcp {

  private KvOverTcp() {}

  static KeyValueStore kv(RaftTcpCluster.Member m) {
    return new ReplicatedKeyValueStore(m.driver(), (KvStateMachine) m.stateMachine());
  }

  /** Puts keys {@code from} to {@code to - 1} through a member, all at once, and waits for every one. */
  static void writeKeys(RaftTcpCluster.Member via, int from, int to, IntFunction<byte[]> value) throws Exception {
    KeyValueStore store = kv(via);
    List<CompletableFuture<?>> writes = new ArrayList<>();
    for (int i = from; i < to; i++) {
      writes.add(store.put("k" + i, value.apply(i)));
    }
    CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
  }

  /** Waits until a member's state holds exactly {@code count} keys, then checks each one's value. */
  static void assertHoldsKeys(RaftTcpCluster.Member m, int count, IntFunction<byte[]> value) {
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
        assertThat(((KvStateMachine) m.stateMachine()).size()).isEqualTo(count));
    KeyValueStore store = kv(m);
    for (int i = 0; i < count; i++) {
      assertThat(store.get("k" + i, ReadConsistency.LOCAL).join().value()).as("k%d on %s", i, m.id().shortForm())
          .isEqualTo(value.apply(i));
    }
  }
}
