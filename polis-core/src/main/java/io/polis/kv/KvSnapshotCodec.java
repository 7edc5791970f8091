package io.polis.kv;

import io.polis.KeyValueStore;
import io.polis.raft.StateSnapshot;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.CRC32C;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;

/**
 * The binary form of a {@link KvStateMachine}'s state, big-endian:
 *
 * <pre>
 * snapshot = format:u8 appliedIndex:i64 count:i32 entry{count} crc:i32
 * entry    = keyLength:u16 key:utf8 present:u8 version:i64 modIndex:i64 [valueLength:i32 value, if present]
 * </pre>
 *
 * <p>Entries are sorted by key ({@link String#compareTo}), tombstones included, so that every member
 * writes the same bytes for the same state (snapshots can be compared by checksum) and a reader finds a
 * duplicate key by comparing neighbours. {@code crc} is the CRC32C of every byte before it.
 *
 * <p>Decoding trusts nothing: lengths are checked against the format's limits (keys as for commands;
 * values are read in small steps, so a lying length costs no more memory than the bytes actually there),
 * a boolean must be 0 or 1, keys must be well-formed UTF-8 and strictly increasing, versions at least 1,
 * modification indexes between 1 and the applied index, and the stream must end right after the
 * checksum. Any other input fails with an {@link IOException}.
 */
final class KvSnapshotCodec {

  /** The format this release writes and the only one it reads. */
  static final byte FORMAT = 1;

  private KvSnapshotCodec() {}

  /** The decoded state, complete and checked, ready to be swapped in. */
  record State(ConcurrentHashMap<String, KvEntry> entries, long appliedIndex, int presentKeys) {}

  /**
   * Captures the entries by reference: {@link KvEntry} is immutable, so copying the pointers is a whole
   * point-in-time copy. Sorting and encoding wait for {@link StateSnapshot#writeTo}, off the driver thread.
   */
  static StateSnapshot capture(ConcurrentHashMap<String, KvEntry> entries, long appliedIndex) {
    // Only the driver thread writes the map and this runs on it, so the size cannot change meanwhile.
    String[] keys = new String[entries.size()];
    KvEntry[] values = new KvEntry[keys.length];
    int i = 0;
    for (var e : entries.entrySet()) {
      keys[i] = e.getKey();
      values[i++] = e.getValue();
    }
    return out -> write(keys, values, appliedIndex, out);
  }

  private static void write(String[] keys, KvEntry[] values, long appliedIndex, OutputStream target)
      throws IOException {
    Integer[] order = new Integer[keys.length];
    Arrays.setAll(order, i -> i);
    Arrays.sort(order, Comparator.comparing(i -> keys[i]));
    CRC32C crc = new CRC32C();
    BufferedOutputStream buffered = new BufferedOutputStream(target, 1 << 16);
    DataOutputStream out = new DataOutputStream(new CheckedOutputStream(buffered, crc));
    out.writeByte(FORMAT);
    out.writeLong(appliedIndex);
    out.writeInt(keys.length);
    for (int i : order) {
      byte[] key = keys[i].getBytes(StandardCharsets.UTF_8); // well-formed: checked when the command came
      KvEntry entry = values[i];
      out.writeShort(key.length);
      out.write(key);
      out.writeByte(entry.isPresent() ? 1 : 0);
      out.writeLong(entry.version());
      out.writeLong(entry.modIndex());
      byte[] value = entry.value();
      if (value != null) {
        out.writeInt(value.length);
        out.write(value);
      }
    }
    out.flush();
    // The checksum goes past the checked stream: it covers everything before it, not itself.
    new DataOutputStream(buffered).writeInt((int) crc.getValue());
    buffered.flush();
  }

  /**
   * Reads a whole snapshot to the end of the stream and checks it.
   *
   * @throws IOException if the stream fails or the bytes are not a valid snapshot
   */
  static State read(InputStream source) throws IOException {
    CRC32C crc = new CRC32C();
    BufferedInputStream buffered = new BufferedInputStream(source, 1 << 16);
    DataInputStream in = new DataInputStream(new CheckedInputStream(buffered, crc));
    try {
      int format = in.readUnsignedByte();
      if (format != FORMAT) {
        throw bad("format " + format + " is not supported (this member reads format " + FORMAT + ")");
      }
      long appliedIndex = in.readLong();
      if (appliedIndex < 0) {
        throw bad("applied index " + appliedIndex + " is negative");
      }
      int count = in.readInt();
      if (count < 0) {
        throw bad("entry count " + count + " is negative");
      }
      // Presized only up to a bound: the count is not yet covered by a verified checksum.
      ConcurrentHashMap<String, KvEntry> entries = new ConcurrentHashMap<>(Math.min(count, 1 << 16));
      int present = 0;
      String previous = null;
      for (int n = 0; n < count; n++) {
        String key = readKey(in, n);
        if (previous != null && previous.compareTo(key) >= 0) {
          throw bad("entry " + n + " is out of order or repeats a key");
        }
        previous = key;
        KvEntry entry = readEntry(in, n, appliedIndex);
        present += entry.isPresent() ? 1 : 0;
        entries.put(key, entry);
      }
      int expected = (int) crc.getValue();
      int found = new DataInputStream(buffered).readInt();
      if (found != expected) {
        throw bad("checksum mismatch");
      }
      if (buffered.read() != -1) {
        throw bad("unexpected bytes after the checksum");
      }
      return new State(entries, appliedIndex, present);
    } catch (EOFException e) {
      throw bad("truncated");
    }
  }

  private static String readKey(DataInputStream in, int n) throws IOException {
    int length = in.readUnsignedShort();
    if (length == 0 || length > KeyValueStore.MAX_KEY_BYTES) {
      throw bad("entry " + n + " has a key of " + length + " bytes (1 to " + KeyValueStore.MAX_KEY_BYTES
          + " allowed)");
    }
    byte[] bytes = new byte[length];
    in.readFully(bytes);
    try {
      // Strict, as for commands: a lenient decoder would merge different keys into one.
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw bad("entry " + n + " has a key that is not well-formed UTF-8");
    }
  }

  private static KvEntry readEntry(DataInputStream in, int n, long appliedIndex) throws IOException {
    int present = in.readUnsignedByte();
    if (present > 1) {
      throw bad("entry " + n + " has present flag " + present + ", not a boolean (0 or 1)");
    }
    long version = in.readLong();
    long modIndex = in.readLong();
    if (version < 1) {
      // A stored entry, even a tombstone, exists only because a write gave it version 1 or later.
      throw bad("entry " + n + " has version " + version);
    }
    if (modIndex < 1 || modIndex > appliedIndex) {
      throw bad("entry " + n + " has modification index " + modIndex + ", outside 1.." + appliedIndex);
    }
    byte[] value = null;
    if (present == 1) {
      int length = in.readInt();
      if (length < 0) {
        throw bad("entry " + n + " has a value of " + length + " bytes");
      }
      // readNBytes grows its buffer as bytes arrive, so a truncated stream cannot make it allocate the
      // claimed length.
      value = in.readNBytes(length);
      if (value.length != length) {
        throw bad("truncated");
      }
    }
    return new KvEntry(value, version, modIndex);
  }

  private static IOException bad(String problem) {
    return new IOException("not a valid key-value snapshot: " + problem + "; the state is unchanged");
  }
}
