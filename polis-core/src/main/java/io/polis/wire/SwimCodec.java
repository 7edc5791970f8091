package io.polis.wire;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Body layouts of the SWIM messages. */
final class SwimCodec {

  private SwimCodec() {}

  static List<MemberUpdate> checkGossip(List<MemberUpdate> updates) {
    return checkList(updates, SwimMessage.MAX_GOSSIP, "gossip");
  }

  static List<MemberUpdate> checkList(List<MemberUpdate> updates, int max, String what) {
    Objects.requireNonNull(updates, what);
    if (updates.size() > max) {
      throw new IllegalArgumentException(what + " has " + updates.size() + " entries, more than " + max);
    }
    return List.copyOf(updates);
  }

  static void write(SwimMessage message, WireWriter out) {
    if (message instanceof Ping ping) {
      out.writeLong(ping.seq());
      out.writeMemberId(ping.target());
    } else if (message instanceof Ack ack) {
      out.writeLong(ack.seq());
      out.writeMemberId(ack.responder());
    } else if (message instanceof Nack nack) {
      out.writeLong(nack.seq());
      return; // no gossip
    } else if (message instanceof PingReq req) {
      out.writeLong(req.seq());
      out.writeMemberId(req.target());
      out.writeAddress(req.targetAddress());
    } else if (message instanceof PushPull pushPull) {
      out.writeBoolean(pushPull.reply());
      out.writeBoolean(pushPull.join());
    }
    writeUpdates(message.updates(), out);
  }

  static SwimMessage read(MessageType type, WireReader in) {
    try {
      return switch (type) {
        case PING -> new Ping(in.readLong("seq"), in.readMemberId("target"),
            readUpdates(in, SwimMessage.MAX_GOSSIP));
        case ACK -> new Ack(in.readLong("seq"), in.readMemberId("responder"),
            readUpdates(in, SwimMessage.MAX_GOSSIP));
        case NACK -> new Nack(in.readLong("seq"));
        case PING_REQ -> new PingReq(in.readLong("seq"), in.readMemberId("target"),
            in.readAddress("target address"), readUpdates(in, SwimMessage.MAX_GOSSIP));
        case PUSH_PULL -> new PushPull(in.readBoolean("reply"), in.readBoolean("join"),
            readUpdates(in, SwimMessage.MAX_MEMBERS));
        case GOSSIP -> new Gossip(readUpdates(in, SwimMessage.MAX_GOSSIP));
        default -> throw new IllegalArgumentException(type + " is not a SWIM message");
      };
    } catch (IllegalArgumentException e) {
      throw new WireFormatException(type + " body is invalid: " + e.getMessage());
    }
  }

  private static void writeUpdates(List<MemberUpdate> updates, WireWriter out) {
    out.writeInt(updates.size());
    for (MemberUpdate u : updates) {
      out.writeUnsignedByte(u.status().code());
      out.writeMemberId(u.member());
      out.writeAddress(u.address());
      out.writeLong(u.incarnation());
      out.writeInt(u.metadata().size());
      for (Map.Entry<String, String> e : u.metadata().entrySet()) {
        out.writeString(e.getKey());
        out.writeString(e.getValue());
      }
      out.writeMemberId(u.source());
    }
  }

  private static List<MemberUpdate> readUpdates(WireReader in, int max) {
    int count = in.readCount("updates", max, MemberUpdate.MIN_ENCODED_BYTES);
    List<MemberUpdate> updates = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      int code = in.readUnsignedByte("member status");
      MemberUpdate.Status status = MemberUpdate.Status.fromCode(code)
          .orElseThrow(() -> new WireFormatException("unknown member status code " + code));
      var member = in.readMemberId("member id");
      var address = in.readAddress("member address");
      long incarnation = in.readLong("incarnation");
      int entries = in.readCount("metadata", MemberUpdate.MAX_METADATA_ENTRIES, 8);
      Map<String, String> metadata = new HashMap<>(entries * 2);
      for (int e = 0; e < entries; e++) {
        String key = in.readString("metadata key", MemberUpdate.MAX_METADATA_KEY_BYTES);
        metadata.put(key, in.readString("metadata value", MemberUpdate.MAX_METADATA_VALUE_BYTES));
      }
      updates.add(new MemberUpdate(status, member, address, incarnation, metadata, in.readMemberId("source")));
    }
    return updates;
  }
}
