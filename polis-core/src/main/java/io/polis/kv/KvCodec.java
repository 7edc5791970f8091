package io.polis.kv;

import io.polis.KeyValueStore;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The binary form of key-value commands and results, big-endian:
 *
 * <pre>
 * command = format:u8 op:u8 keyLength:u16 key:utf8 body
 *   PUT               valueLength:i32 value
 *   DELETE            (nothing)
 *   COMPARE_AND_SET   expectedVersion:i64 valueLength:i32 value
 *   COMPARE_AND_DELETE expectedVersion:i64
 * result  = format:u8 tag:u8 body
 *   PUT          created:bool version:i64
 *   DELETE       existed:bool version:i64
 *   SWAPPED      version:i64
 *   NOT_SWAPPED  present:bool version:i64 modIndex:i64 [valueLength:i32 value, if present]
 *   REJECTED     reasonLength:u16 reason:utf8
 * </pre>
 *
 * <p>The leading format byte lets a later release add a format while members still read this one.
 * Decoding trusts no length: each is checked against the bytes left before anything is allocated, a
 * boolean must be 0 or 1, keys must be well-formed UTF-8, and trailing bytes are an error, so each valid
 * encoding has one meaning and every other input fails with a {@link KvFormatException}.
 */
final class KvCodec {

  /** The format this release writes and the only one it reads. */
  static final byte FORMAT = 1;

  /** Longest rejection reason sent back, in characters; it only has to explain, not to quote the input. */
  private static final int MAX_REASON_CHARS = 1000;

  private KvCodec() {}

  static byte[] encode(KvCommand command) {
    byte[] key = command.key().getBytes(StandardCharsets.UTF_8); // well-formed: checked by the record
    KvCommand.Op op = command.op();
    int size = 4 + key.length + switch (op) {
      case PUT -> 4 + ((KvCommand.Put) command).value().length;
      case DELETE -> 0;
      case COMPARE_AND_SET -> 8 + 4 + ((KvCommand.CompareAndSet) command).value().length;
      case COMPARE_AND_DELETE -> 8;
    };
    ByteBuffer out = ByteBuffer.allocate(size).put(FORMAT).put(op.code).putShort((short) key.length).put(key);
    switch (op) {
      case PUT -> putSized(out, ((KvCommand.Put) command).value());
      case DELETE -> { } // the key is the whole command
      case COMPARE_AND_SET -> {
        KvCommand.CompareAndSet cas = (KvCommand.CompareAndSet) command;
        putSized(out.putLong(cas.expectedVersion()), cas.value());
      }
      case COMPARE_AND_DELETE -> out.putLong(((KvCommand.CompareAndDelete) command).expectedVersion());
    }
    return out.array();
  }

  static KvCommand decodeCommand(byte[] bytes) {
    Reader in = new Reader(bytes, "command");
    byte code = in.u8("op");
    KvCommand.Op op = KvCommand.Op.of(code);
    if (op == null) {
      throw new KvFormatException(String.format("unknown command op 0x%02X", code));
    }
    String key = in.key();
    KvCommand command;
    try {
      command = switch (op) {
        case PUT -> new KvCommand.Put(key, in.sizedBytes("value"));
        case DELETE -> new KvCommand.Delete(key);
        case COMPARE_AND_SET -> new KvCommand.CompareAndSet(key, in.i64("expectedVersion"), in.sizedBytes("value"));
        case COMPARE_AND_DELETE -> new KvCommand.CompareAndDelete(key, in.i64("expectedVersion"));
      };
    } catch (KvFormatException e) {
      throw e;
    } catch (IllegalArgumentException e) {
      // A field the record refuses (a negative expected version): the same verdict as a bad length.
      throw new KvFormatException("command " + e.getMessage());
    }
    in.end();
    return command;
  }

  static byte[] encode(KvResult result) {
    KvResult.Kind kind = result.kind();
    return switch (kind) {
      case PUT -> {
        KvResult.Put put = (KvResult.Put) result;
        yield header(kind, 9).put(bool(put.created())).putLong(put.version()).array();
      }
      case DELETE -> {
        KvResult.Delete delete = (KvResult.Delete) result;
        yield header(kind, 9).put(bool(delete.existed())).putLong(delete.version()).array();
      }
      case SWAPPED -> header(kind, 8).putLong(((KvResult.Swapped) result).version()).array();
      case NOT_SWAPPED -> {
        KvEntry e = ((KvResult.NotSwapped) result).current();
        byte[] value = e.value();
        ByteBuffer out = header(kind, 17 + (value == null ? 0 : 4 + value.length))
            .put(bool(value != null)).putLong(e.version()).putLong(e.modIndex());
        yield value == null ? out.array() : putSized(out, value).array();
      }
      case REJECTED -> {
        String reason = ((KvResult.Rejected) result).reason();
        if (reason.length() > MAX_REASON_CHARS) {
          reason = reason.substring(0, MAX_REASON_CHARS); // may split a pair; utf8Lenient replaces the half
        }
        byte[] text = utf8Lenient(reason);
        yield header(kind, 2 + text.length).putShort((short) text.length).put(text).array();
      }
    };
  }

  static KvResult decodeResult(byte[] bytes) {
    Reader in = new Reader(bytes, "result");
    byte tag = in.u8("tag");
    KvResult.Kind kind = KvResult.Kind.of(tag);
    if (kind == null) {
      throw new KvFormatException(String.format("unknown result tag 0x%02X", tag));
    }
    KvResult result = switch (kind) {
      case PUT -> new KvResult.Put(in.bool("created"), in.i64("version"));
      case DELETE -> new KvResult.Delete(in.bool("existed"), in.i64("version"));
      case SWAPPED -> new KvResult.Swapped(in.i64("version"));
      case NOT_SWAPPED -> {
        boolean present = in.bool("present");
        long version = in.i64("version");
        long modIndex = in.i64("modIndex");
        yield new KvResult.NotSwapped(new KvEntry(present ? in.sizedBytes("value") : null, version, modIndex));
      }
      case REJECTED -> new KvResult.Rejected(in.utf8(in.u16("reason length"), "reason"));
    };
    in.end();
    return result;
  }

  private static ByteBuffer putSized(ByteBuffer out, byte[] bytes) {
    return out.putInt(bytes.length).put(bytes);
  }

  private static ByteBuffer header(KvResult.Kind kind, int bodyBytes) {
    return ByteBuffer.allocate(2 + bodyBytes).put(FORMAT).put(kind.tag);
  }

  private static byte bool(boolean b) {
    return (byte) (b ? 1 : 0);
  }

  private static byte[] utf8Lenient(String text) {
    try {
      ByteBuffer encoded = StandardCharsets.UTF_8.newEncoder().onMalformedInput(CodingErrorAction.REPLACE)
          .onUnmappableCharacter(CodingErrorAction.REPLACE).encode(CharBuffer.wrap(text));
      byte[] out = new byte[encoded.remaining()];
      encoded.get(out);
      return out;
    } catch (CharacterCodingException e) {
      throw new AssertionError("REPLACE never reports", e);
    }
  }

  /** Reads one command or result, checking every field against the bytes that remain. */
  private static final class Reader {
    private final ByteBuffer in;
    private final String what;

    Reader(byte[] bytes, String what) {
      this.in = ByteBuffer.wrap(bytes);
      this.what = what;
      byte format = u8("format");
      if (format != FORMAT) {
        throw new KvFormatException(what + " format " + Byte.toUnsignedInt(format) + " is not supported (this "
            + "member reads format " + FORMAT + ")");
      }
    }

    byte u8(String field) {
      need(1, field);
      return in.get();
    }

    int u16(String field) {
      need(2, field);
      return Short.toUnsignedInt(in.getShort());
    }

    long i64(String field) {
      need(8, field);
      return in.getLong();
    }

    boolean bool(String field) {
      byte b = u8(field);
      if (b != 0 && b != 1) {
        throw new KvFormatException(what + " field " + field + " is " + b + ", not a boolean (0 or 1)");
      }
      return b == 1;
    }

    byte[] sizedBytes(String field) {
      need(4, field + " length");
      int length = in.getInt();
      if (length < 0 || length > in.remaining()) {
        throw new KvFormatException(what + " " + field + " claims " + length + " bytes but " + in.remaining()
            + " remain");
      }
      byte[] out = new byte[length];
      in.get(out);
      return out;
    }

    String key() {
      int length = u16("key length");
      if (length == 0) {
        throw new KvFormatException(what + " has an empty key");
      }
      if (length > KeyValueStore.MAX_KEY_BYTES) {
        throw new KvFormatException(what + " key of " + length + " bytes exceeds the "
            + KeyValueStore.MAX_KEY_BYTES + " allowed");
      }
      return utf8(length, "key");
    }

    String utf8(int length, String field) {
      if (length > in.remaining()) {
        throw new KvFormatException(what + " " + field + " claims " + length + " bytes but " + in.remaining()
            + " remain");
      }
      ByteBuffer slice = in.slice().limit(length);
      in.position(in.position() + length);
      try {
        // Strict: a lenient decoder maps different bad byte strings to the same replacement characters.
        return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT).decode(slice).toString();
      } catch (CharacterCodingException e) {
        throw new KvFormatException(what + " " + field + " is not well-formed UTF-8");
      }
    }

    void end() {
      if (in.hasRemaining()) {
        throw new KvFormatException(in.remaining() + " unexpected bytes after the " + what);
      }
    }

    private void need(int bytes, String field) {
      if (in.remaining() < bytes) {
        throw new KvFormatException(what + " is truncated: " + field + " needs " + bytes + " bytes, "
            + in.remaining() + " remain");
      }
    }
  }
}
