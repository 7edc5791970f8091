package io.polis.kv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.polis.raft.StateSnapshot;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Snapshots of the key-value state: point in time, complete, and rejected whole when damaged. */
class KvStateMachineSnapshotTest {

  private final KvStateMachine sm = new KvStateMachine();
  private long index;

  @Test
  void restoredMachineHoldsTheSameEntriesTombstonesAndAppliedIndex() throws IOException {
    apply(new KvCommand.Put("a", bytes("1")));
    apply(new KvCommand.Put("b", bytes("2")));
    apply(new KvCommand.Delete("b")); // leaves a tombstone at version 2
    apply(new KvCommand.Put("ключ", new byte[0]));

    KvStateMachine restored = new KvStateMachine();
    restored.restore(new ByteArrayInputStream(write(sm.snapshot())));

    assertThat(restored.entries()).isEqualTo(sm.entries()).hasSize(3);
    assertThat(restored.size()).isEqualTo(2);
    assertThat(restored.appliedIndex()).isEqualTo(4);
    // The tombstone keeps the version, so the next write continues from it in both.
    assertThat(restored.apply(5, KvCodec.encode(new KvCommand.Put("b", bytes("3")))))
        .isEqualTo(sm.apply(5, KvCodec.encode(new KvCommand.Put("b", bytes("3")))));
  }

  @Test
  void snapshotWritesTheStateAsItWasWhenTakenNotAsItIsNow() throws IOException {
    apply(new KvCommand.Put("a", bytes("old")));
    Map<String, KvEntry> atSnapshot = sm.entries();
    StateSnapshot snapshot = sm.snapshot();

    apply(new KvCommand.Put("a", bytes("new")));
    apply(new KvCommand.Put("c", bytes("later")));
    apply(new KvCommand.Delete("a"));

    KvStateMachine restored = new KvStateMachine();
    restored.restore(new ByteArrayInputStream(write(snapshot)));
    assertThat(restored.entries()).isEqualTo(atSnapshot);
    assertThat(restored.appliedIndex()).isEqualTo(1);
  }

  @Test
  void sameStateWritesTheSameBytesWhateverTheInsertionOrder() throws IOException {
    KvStateMachine other = new KvStateMachine();
    sm.apply(1, KvCodec.encode(new KvCommand.Put("x", bytes("1"))));
    sm.apply(2, KvCodec.encode(new KvCommand.Put("y", bytes("2"))));
    other.apply(1, KvCodec.encode(new KvCommand.Put("x", bytes("1"))));
    other.apply(2, KvCodec.encode(new KvCommand.Put("y", bytes("2"))));

    assertThat(write(other.snapshot())).isEqualTo(write(sm.snapshot()));
  }

  @Test
  void truncatedSnapshotIsRejectedAndLeavesTheStateUnchanged() throws IOException {
    KvStateMachine source = new KvStateMachine();
    source.apply(1, KvCodec.encode(new KvCommand.Put("k", bytes("value"))));
    byte[] full = write(source.snapshot());
    apply(new KvCommand.Put("mine", bytes("keep")));
    Map<String, KvEntry> before = sm.entries();

    for (int length = 0; length < full.length; length++) {
      byte[] cut = Arrays.copyOf(full, length);
      assertThatThrownBy(() -> sm.restore(new ByteArrayInputStream(cut)))
          .as("cut at %d", length).isInstanceOf(IOException.class).hasMessageContaining("not a valid");
    }
    assertThat(sm.entries()).isEqualTo(before);
    assertThat(sm.appliedIndex()).isEqualTo(1);
    assertThat(sm.size()).isEqualTo(1);
  }

  @Test
  void everyFlippedByteIsRejectedAndLeavesTheStateUnchanged() throws IOException {
    KvStateMachine source = new KvStateMachine();
    source.apply(1, KvCodec.encode(new KvCommand.Put("k", bytes("value"))));
    source.apply(2, KvCodec.encode(new KvCommand.Delete("k")));
    source.apply(3, KvCodec.encode(new KvCommand.Put("j", bytes("v"))));
    byte[] full = write(source.snapshot());
    apply(new KvCommand.Put("mine", bytes("keep")));
    Map<String, KvEntry> before = sm.entries();

    for (int i = 0; i < full.length; i++) {
      byte[] damaged = full.clone();
      damaged[i] ^= 0x40;
      assertThatThrownBy(() -> sm.restore(new ByteArrayInputStream(damaged)))
          .as("byte %d flipped", i).isInstanceOf(IOException.class);
    }
    byte[] trailing = Arrays.copyOf(full, full.length + 1);
    assertThatThrownBy(() -> sm.restore(new ByteArrayInputStream(trailing)))
        .hasMessageContaining("after the checksum");
    assertThat(sm.entries()).isEqualTo(before);
  }

  @Test
  void unknownFormatIsRejectedWithAClearMessage() throws IOException {
    byte[] bytes = write(sm.snapshot());
    bytes[0] = 9;

    assertThatThrownBy(() -> sm.restore(new ByteArrayInputStream(bytes)))
        .hasMessageContaining("format 9 is not supported");
  }

  private KvResult apply(KvCommand command) {
    return KvCodec.decodeResult(sm.apply(++index, KvCodec.encode(command)));
  }

  static byte[] write(StateSnapshot snapshot) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    snapshot.writeTo(out);
    return out.toByteArray();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
