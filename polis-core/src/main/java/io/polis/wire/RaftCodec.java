package io.polis.wire;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Body layouts of the Raft messages, and the checks their records share. */
final class RaftCodec {

  /** Smallest encoded entry: term, index, kind and an empty data length. */
  private static final int MIN_ENTRY_BYTES = 8 + 8 + 1 + 4;

  private RaftCodec() {}

  static void checkGroup(String group) {
    WireLimits.checkUtf8Length("group", group, RaftMessage.MAX_GROUP_BYTES);
    if (group.isEmpty()) {
      throw new IllegalArgumentException("group must not be empty");
    }
  }

  static void checkNonNegative(String field, long value) {
    if (value < 0) {
      throw new IllegalArgumentException(field + " must not be negative, was " + value);
    }
  }

  static List<LogEntry> checkEntries(List<LogEntry> entries, long prevIndex) {
    Objects.requireNonNull(entries, "entries");
    if (entries.size() > RaftMessage.MAX_ENTRIES) {
      throw new IllegalArgumentException(
          "entries has " + entries.size() + " entries, more than " + RaftMessage.MAX_ENTRIES);
    }
    // Checked apart from the loop, where prevIndex + 1 would wrap to a negative "expected" index.
    if (prevIndex > Long.MAX_VALUE - entries.size()) {
      throw new IllegalArgumentException("prev index " + prevIndex + " leaves no room for " + entries.size()
          + " more entries");
    }
    long expected = prevIndex + 1;
    for (LogEntry e : entries) {
      if (e.index() != expected) {
        throw new IllegalArgumentException("entries must be consecutive from " + (prevIndex + 1)
            + ", found index " + e.index() + " where " + expected + " was expected");
      }
      expected++;
    }
    return List.copyOf(entries);
  }

  static void write(RaftMessage message, WireWriter out) {
    out.writeString(message.group());
    out.writeLong(message.term());
    if (message instanceof VoteRequest m) {
      out.writeLong(m.lastIndex());
      out.writeLong(m.lastTerm());
      out.writeBoolean(m.preVote());
      out.writeBoolean(m.transfer());
    } else if (message instanceof VoteResponse m) {
      out.writeBoolean(m.granted());
      out.writeBoolean(m.preVote());
    } else if (message instanceof AppendRequest m) {
      out.writeLong(m.prevIndex());
      out.writeLong(m.prevTerm());
      out.writeLong(m.commit());
      out.writeInt(m.entries().size());
      for (LogEntry e : m.entries()) {
        writeEntry(e, out);
      }
    } else if (message instanceof AppendResponse m) {
      out.writeBoolean(m.success());
      out.writeLong(m.index());
      out.writeLong(m.hintIndex());
      out.writeLong(m.hintTerm());
    } else if (message instanceof RaftHeartbeat m) {
      out.writeLong(m.commit());
      out.writeLong(m.context());
    } else if (message instanceof RaftHeartbeatResponse m) {
      out.writeLong(m.context());
    } else if (message instanceof ReadIndexRequest m) {
      out.writeLong(m.context());
    } else if (message instanceof ReadIndexResponse m) {
      out.writeLong(m.context());
      out.writeLong(m.index());
    } else if (message instanceof ForwardedProposal m) {
      out.writeInt(m.commands().size());
      for (byte[] c : m.commands()) {
        out.writeBytes(c);
      }
    } else if (message instanceof InstallSnapshot m) {
      out.writeLong(m.index());
      out.writeLong(m.snapshotTerm());
      out.writeBytes(m.configuration());
      out.writeLong(m.totalBytes());
      out.writeInt(m.crc());
      out.writeLong(m.offset());
      out.writeBytes(m.chunk());
    } else if (message instanceof InstallSnapshotResponse m) {
      out.writeLong(m.index());
      out.writeBoolean(m.accepted());
      out.writeLong(m.nextOffset());
    } else if (!(message instanceof TimeoutNow)) {
      // TimeoutNow has no fields past group and term. Any other type reaching here was added to
      // RaftMessage without a layout: fail loudly rather than send a body its peer cannot read.
      throw new IllegalStateException("no body layout for " + message.type());
    }
  }

  /**
   * Writes one entry in the layout shared by the wire and the file store: term, index, kind code, data.
   *
   * @param e the entry
   * @param out the writer
   */
  static void writeEntry(LogEntry e, WireWriter out) {
    out.writeLong(e.term());
    out.writeLong(e.index());
    out.writeUnsignedByte(e.kind().code());
    out.writeBytes(e.data());
  }

  static LogEntry readEntry(WireReader in) {
    long term = in.readLong("entry term");
    long index = in.readLong("entry index");
    int code = in.readUnsignedByte("entry kind");
    EntryKind kind = EntryKind.fromCode(code)
        .orElseThrow(() -> new WireFormatException("unknown entry kind code " + code));
    return new LogEntry(term, index, kind, in.readBytes("entry data", Integer.MAX_VALUE));
  }

  static RaftMessage read(MessageType type, WireReader in) {
    try {
      String group = in.readString("group", RaftMessage.MAX_GROUP_BYTES);
      long term = in.readLong("term");
      return switch (type) {
        case VOTE_REQUEST -> new VoteRequest(group, term, in.readLong("last index"), in.readLong("last term"),
            in.readBoolean("pre-vote"), in.readBoolean("transfer"));
        case VOTE_RESPONSE -> new VoteResponse(group, term, in.readBoolean("granted"), in.readBoolean("pre-vote"));
        case APPEND_REQUEST -> {
          long prevIndex = in.readLong("prev index");
          long prevTerm = in.readLong("prev term");
          long commit = in.readLong("commit");
          int count = in.readCount("entries", RaftMessage.MAX_ENTRIES, MIN_ENTRY_BYTES);
          List<LogEntry> entries = new ArrayList<>(count);
          for (int i = 0; i < count; i++) {
            entries.add(readEntry(in));
          }
          yield new AppendRequest(group, term, prevIndex, prevTerm, commit, entries);
        }
        case APPEND_RESPONSE -> new AppendResponse(group, term, in.readBoolean("success"), in.readLong("index"),
            in.readLong("hint index"), in.readLong("hint term"));
        case RAFT_HEARTBEAT -> new RaftHeartbeat(group, term, in.readLong("commit"), in.readLong("context"));
        case RAFT_HEARTBEAT_RESPONSE -> new RaftHeartbeatResponse(group, term, in.readLong("context"));
        case TIMEOUT_NOW -> new TimeoutNow(group, term);
        case READ_INDEX_REQUEST -> new ReadIndexRequest(group, term, in.readLong("context"));
        case READ_INDEX_RESPONSE -> new ReadIndexResponse(group, term, in.readLong("context"), in.readLong("index"));
        case FORWARDED_PROPOSAL -> {
          int count = in.readCount("commands", RaftMessage.MAX_ENTRIES, 4);
          List<byte[]> commands = new ArrayList<>(count);
          for (int i = 0; i < count; i++) {
            commands.add(in.readBytes("command", Integer.MAX_VALUE));
          }
          yield new ForwardedProposal(group, term, commands);
        }
        case INSTALL_SNAPSHOT -> new InstallSnapshot(group, term, in.readLong("index"), in.readLong("snapshot term"),
            in.readBytes("configuration", Integer.MAX_VALUE), in.readLong("total bytes"), in.readInt("crc"),
            in.readLong("offset"), in.readBytes("chunk", Integer.MAX_VALUE));
        case INSTALL_SNAPSHOT_RESPONSE -> new InstallSnapshotResponse(group, term, in.readLong("index"),
            in.readBoolean("accepted"), in.readLong("next offset"));
        default -> throw new IllegalArgumentException(type + " is not a Raft message");
      };
    } catch (IllegalArgumentException e) {
      throw new WireFormatException(type + " body is invalid: " + e.getMessage());
    }
  }
}
