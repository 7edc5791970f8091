package io.polis.kv;

import static org.assertj.core.api.Assertions.assertThat;

import io.polis.KeyValueStore;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What each command does to a key's value and version, applied to the state machine directly. */
class KvStateMachineTest {

  private final KvStateMachine sm = new KvStateMachine();
  private long index;

  @Test
  void firstPutCreatesTheKeyAtVersionOne() {
    assertThat(apply(put("k", "a"))).isEqualTo(new KvResult.Put(true, 1));
    assertThat(sm.read("k")).isEqualTo(entry("a", 1, 1));
    assertThat(sm.size()).isEqualTo(1);
  }

  @Test
  void eachPutAddsOneToTheVersionEvenWithTheSameValue() {
    apply(put("k", "a"));

    assertThat(apply(put("k", "a"))).isEqualTo(new KvResult.Put(false, 2));
    assertThat(apply(put("k", "b"))).isEqualTo(new KvResult.Put(false, 3));
    assertThat(sm.read("k")).isEqualTo(entry("b", 3, 3));
  }

  @Test
  void keysHaveTheirOwnVersions() {
    apply(put("a", "1"));
    apply(put("a", "2"));

    assertThat(apply(put("b", "1"))).isEqualTo(new KvResult.Put(true, 1));
  }

  @Test
  void deleteRemovesTheValueAndCountsAsAChange() {
    apply(put("k", "a"));

    assertThat(apply(new KvCommand.Delete("k"))).isEqualTo(new KvResult.Delete(true, 2));
    assertThat(sm.read("k")).isEqualTo(new KvEntry(null, 2, 2));
    assertThat(sm.size()).isZero();
  }

  @Test
  void deleteOfAnAbsentKeyChangesNothing() {
    assertThat(apply(new KvCommand.Delete("never"))).isEqualTo(new KvResult.Delete(false, 0));
    assertThat(sm.entries()).isEmpty();

    apply(put("k", "a")); // index 2
    apply(new KvCommand.Delete("k")); // index 3
    assertThat(apply(new KvCommand.Delete("k"))).isEqualTo(new KvResult.Delete(false, 2));
    assertThat(sm.read("k")).isEqualTo(new KvEntry(null, 2, 3)); // modIndex still names the first delete
  }

  @Test
  void putAfterDeleteContinuesTheVersionInsteadOfRestartingAtOne() {
    // Restarting at 1 would let a CAS that expects version 1 of the old value succeed on the new one (ABA).
    apply(put("k", "a"));
    apply(new KvCommand.Delete("k"));

    assertThat(apply(put("k", "b"))).isEqualTo(new KvResult.Put(true, 3));
    assertThat(apply(cas("k", 1, bytes("c")))).isEqualTo(new KvResult.NotSwapped(entry("b", 3, 3)));
  }

  @Test
  void compareAndSetOfAbsentCreatesAMissingKey() {
    assertThat(apply(cas("k", KeyValueStore.ABSENT, bytes("a"))))
        .isEqualTo(new KvResult.Swapped(1));
    assertThat(sm.read("k")).isEqualTo(entry("a", 1, 1));
  }

  @Test
  void compareAndSetOfAbsentFailsOnAPresentKeyAndAnswersItsState() {
    apply(put("k", "a"));

    assertThat(apply(cas("k", KeyValueStore.ABSENT, bytes("b"))))
        .isEqualTo(new KvResult.NotSwapped(entry("a", 1, 1)));
    assertThat(sm.read("k")).isEqualTo(entry("a", 1, 1));
  }

  @Test
  void compareAndSetOfAbsentSucceedsOnADeletedKey() {
    apply(put("k", "a"));
    apply(new KvCommand.Delete("k"));

    assertThat(apply(cas("k", KeyValueStore.ABSENT, bytes("b"))))
        .isEqualTo(new KvResult.Swapped(3));
  }

  @Test
  void compareAndSetOfTheCurrentVersionSwaps() {
    apply(put("k", "a"));

    assertThat(apply(cas("k", 1, bytes("b")))).isEqualTo(new KvResult.Swapped(2));
    assertThat(sm.read("k")).isEqualTo(entry("b", 2, 2));
  }

  @Test
  void compareAndSetOfAnotherVersionChangesNothing() {
    apply(put("k", "a"));
    apply(put("k", "b"));

    assertThat(apply(cas("k", 1, bytes("c")))).isEqualTo(new KvResult.NotSwapped(entry("b", 2, 2)));
    assertThat(sm.read("k")).isEqualTo(entry("b", 2, 2));
  }

  @Test
  void compareAndSetOfAVersionNeverNeedsAPresentValue() {
    // A deleted key at version 2 holds no value "at version 2", so expecting 2 does not match it.
    apply(put("k", "a"));
    apply(new KvCommand.Delete("k"));

    assertThat(apply(cas("k", 2, bytes("b")))).isEqualTo(new KvResult.NotSwapped(new KvEntry(null, 2, 2)));
    assertThat(apply(cas("never", 1, bytes("b")))).isEqualTo(new KvResult.NotSwapped(KvEntry.ABSENT));
  }

  @Test
  void compareAndDeleteRemovesOnlyTheExpectedVersion() {
    apply(put("k", "a"));
    apply(put("k", "b"));

    assertThat(apply(new KvCommand.CompareAndDelete("k", 1))).isEqualTo(new KvResult.NotSwapped(entry("b", 2, 2)));
    assertThat(apply(new KvCommand.CompareAndDelete("k", 2))).isEqualTo(new KvResult.Swapped(3));
    assertThat(sm.read("k")).isEqualTo(new KvEntry(null, 3, 4));
    assertThat(apply(new KvCommand.CompareAndDelete("k", 3)))
        .isEqualTo(new KvResult.NotSwapped(new KvEntry(null, 3, 4)));
  }

  @Test
  void malformedCommandIsAnsweredWithARejectionAndChangesNothing() {
    apply(put("k", "a"));
    Map<String, KvEntry> before = sm.entries();

    byte[] result = sm.apply(2, HexFormat.of().parseHex("01" + "09" + "0001" + "6b"));

    assertThat(KvCodec.decodeResult(result)).isEqualTo(new KvResult.Rejected("unknown command op 0x09"));
    assertThat(sm.entries()).isEqualTo(before);
    assertThat(sm.appliedIndex()).isEqualTo(2); // still applied: the log moved past it
  }

  @Test
  void emptyCommandIsRejectedToo() {
    assertThat(KvCodec.decodeResult(sm.apply(1, new byte[0]))).isInstanceOf(KvResult.Rejected.class);
  }

  @Test
  void modIndexIsTheLogIndexOfTheWrite() {
    sm.apply(41, KvCodec.encode(put("k", "a")));

    assertThat(sm.read("k").modIndex()).isEqualTo(41);
    assertThat(sm.appliedIndex()).isEqualTo(41);
  }

  private KvResult apply(KvCommand command) {
    return KvCodec.decodeResult(sm.apply(++index, KvCodec.encode(command)));
  }

  private static KvCommand cas(String key, long expectedVersion, byte[] value) {
    return new KvCommand.CompareAndSet(key, expectedVersion, value);
  }

  private static KvCommand put(String key, String value) {
    return new KvCommand.Put(key, bytes(value));
  }

  private static KvEntry entry(String value, long version, long modIndex) {
    return new KvEntry(bytes(value), version, modIndex);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
