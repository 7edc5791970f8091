package io.polis.runtime;

import io.polis.node.MemberId;
import java.nio.ByteBuffer;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * The header the driver puts in front of every proposed command: which member proposed it and its
 * request number there. Every member reads it when applying, so the proposer can complete its own
 * future (even for a command it forwarded to the leader) and a command delivered twice is applied once.
 *
 * @param origin the proposing member
 * @param sequence the proposer's request number, increasing from 1
 * @param payload the application's command
 */
record CommandEnvelope(MemberId origin, long sequence, byte[] payload) {

  private static final byte VERSION = 1;
  private static final int HEADER_BYTES = 1 + 16 + 8;

  byte[] encode() {
    ByteBuffer out = ByteBuffer.allocate(HEADER_BYTES + payload.length);
    out.put(VERSION);
    out.putLong(origin.value().getMostSignificantBits()).putLong(origin.value().getLeastSignificantBits());
    out.putLong(sequence).put(payload);
    return out.array();
  }

  /** Reads a command's header; null for bytes that no driver of this version wrote. */
  static @Nullable CommandEnvelope decode(byte[] data) {
    if (data.length < HEADER_BYTES || data[0] != VERSION) {
      return null;
    }
    ByteBuffer in = ByteBuffer.wrap(data);
    in.get();
    MemberId origin = new MemberId(new UUID(in.getLong(), in.getLong()));
    long sequence = in.getLong();
    byte[] payload = new byte[in.remaining()];
    in.get(payload);
    return new CommandEnvelope(origin, sequence, payload);
  }
}
