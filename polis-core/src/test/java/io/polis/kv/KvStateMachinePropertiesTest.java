package io.polis.kv;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

/**
 * Replication only works if every member that applies the same log reaches the same state and gives the
 * same answers (the {@link io.polis.raft.StateMachine} contract). These properties run random logs, with
 * damaged entries among the valid ones, through fresh state machines.
 */
class KvStateMachinePropertiesTest {

  private static final List<String> KEYS = List.of("a", "b", "c", "ключ");

  @Property(tries = 500)
  void sameLogGivesSameStateAndSameResults(@ForAll("logs") List<byte[]> log) {
    KvStateMachine first = new KvStateMachine();
    KvStateMachine second = new KvStateMachine();

    for (int i = 0; i < log.size(); i++) {
      byte[] entry = log.get(i);
      byte[] firstResult = first.apply(i + 1, entry);
      // The second member gets its own copy of the bytes, as it would from the network.
      byte[] secondResult = second.apply(i + 1, entry.clone());
      assertThat(secondResult).as("result of entry %d", i + 1).isEqualTo(firstResult);
      Statistics.collect(KvCodec.decodeResult(firstResult).kind());
    }

    assertThat(second.entries()).isEqualTo(first.entries());
    assertThat(second.size()).isEqualTo(first.size());
    assertThat(second.appliedIndex()).isEqualTo(first.appliedIndex());
    Statistics.coverage(coverage -> {
      coverage.check(KvResult.Kind.SWAPPED).count(c -> c > 0);
      coverage.check(KvResult.Kind.NOT_SWAPPED).count(c -> c > 0);
      coverage.check(KvResult.Kind.REJECTED).count(c -> c > 0);
    });
  }

  @Property(tries = 500)
  void versionsNeverGoBackAndSizeCountsPresentKeys(@ForAll("logs") List<byte[]> log) {
    KvStateMachine sm = new KvStateMachine();
    List<KvEntry> before = new ArrayList<>();

    for (int i = 0; i < log.size(); i++) {
      before.clear();
      KEYS.forEach(key -> before.add(sm.read(key)));
      sm.apply(i + 1, log.get(i));
      for (int k = 0; k < KEYS.size(); k++) {
        KvEntry after = sm.read(KEYS.get(k));
        assertThat(after.version()).isBetween(before.get(k).version(), before.get(k).version() + 1);
        assertThat(after.modIndex()).isEqualTo(after.equals(before.get(k)) ? before.get(k).modIndex() : i + 1);
      }
      assertThat(sm.size()).isEqualTo((int) sm.entries().values().stream().filter(KvEntry::isPresent).count());
    }
  }

  @Property(tries = 300)
  void restoredSnapshotHasTheSameStateAndGivesTheSameResults(@ForAll("logs") List<byte[]> before,
      @ForAll("logs") List<byte[]> after) throws java.io.IOException {
    KvStateMachine original = new KvStateMachine();
    for (int i = 0; i < before.size(); i++) {
      original.apply(i + 1, before.get(i));
    }

    KvStateMachine restored = new KvStateMachine();
    restored.restore(new java.io.ByteArrayInputStream(KvStateMachineSnapshotTest.write(original.snapshot())));

    assertThat(restored.entries()).isEqualTo(original.entries());
    assertThat(restored.size()).isEqualTo(original.size());
    assertThat(restored.appliedIndex()).isEqualTo(original.appliedIndex());
    for (int i = 0; i < after.size(); i++) {
      long index = before.size() + i + 1;
      assertThat(restored.apply(index, after.get(i).clone())).as("result of entry %d", index)
          .isEqualTo(original.apply(index, after.get(i)));
    }
    assertThat(restored.entries()).isEqualTo(original.entries());
  }

  @Provide
  Arbitrary<List<byte[]>> logs() {
    Arbitrary<String> keys = Arbitraries.of(KEYS);
    Arbitrary<byte[]> values = Arbitraries.bytes().array(byte[].class).ofMaxSize(4);
    Arbitrary<Long> versions = Arbitraries.longs().between(0, 6);
    Arbitrary<KvCommand> commands = Arbitraries.oneOf(
        Combinators.combine(keys, values).as(KvCommand.Put::new),
        keys.map(KvCommand.Delete::new),
        Combinators.combine(keys, versions, values).as(KvCommand.CompareAndSet::new),
        Combinators.combine(keys, versions.filter(v -> v >= 1)).as(KvCommand.CompareAndDelete::new));
    Arbitrary<byte[]> valid = commands.map(KvCodec::encode);
    Arbitrary<byte[]> truncated = valid.map(bytes -> Arrays.copyOf(bytes, bytes.length / 2));
    Arbitrary<byte[]> garbage = Arbitraries.bytes().array(byte[].class).ofMaxSize(12);
    return Arbitraries.frequencyOf(Tuple.of(12, valid), Tuple.of(1, truncated), Tuple.of(1, garbage))
        .list().ofMaxSize(60);
  }
}
