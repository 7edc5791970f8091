package io.polis.raft;

import io.polis.node.MemberId;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Optional;
import java.util.UUID;

/**
 * Keeps the {@link HardState} in the {@value #FILE_NAME} file, replaced atomically on each write. The
 * payload is term, commit, vote (flag and id), then the lost entry (index and term bound, zeros for none);
 * a file written before lost entries were recorded ends after the vote and reads as having none.
 */
final class HardStateFile {

  static final String FILE_NAME = "hard-state";
  private static final int MAGIC = 0x50485354; // "PHST"
  private static final int PAYLOAD_BYTES = 8 + 8 + 1 + 16 + 8 + 8;
  private static final int PAYLOAD_BYTES_WITHOUT_LOST_ENTRY = 8 + 8 + 1 + 16;

  private final MetadataFile file;

  HardStateFile(Path directory) {
    this.file = new MetadataFile(directory, FILE_NAME, MAGIC);
  }

  Path path() {
    return file.path();
  }

  /** Replaces the file and forces it: every write is one the hard state needs durable. */
  void write(HardState state, Syncer syncer) throws IOException {
    ByteBuffer payload = ByteBuffer.allocate(PAYLOAD_BYTES).putLong(state.term()).putLong(state.commit());
    MemberId vote = state.votedFor();
    payload.put((byte) (vote == null ? 0 : 1));
    payload.putLong(vote == null ? 0 : vote.value().getMostSignificantBits());
    payload.putLong(vote == null ? 0 : vote.value().getLeastSignificantBits());
    HardState.LostEntry lost = state.lostEntry();
    payload.putLong(lost == null ? 0 : lost.index()).putLong(lost == null ? 0 : lost.maxTerm());
    file.write(payload.array(), syncer);
  }

  /** Returns the saved hard state, or empty when none was ever written. */
  Optional<HardState> read() throws IOException {
    Optional<byte[]> bytes = file.read();
    if (bytes.isEmpty()) {
      return Optional.empty();
    }
    ByteBuffer payload = ByteBuffer.wrap(bytes.get());
    if (payload.remaining() != PAYLOAD_BYTES && payload.remaining() != PAYLOAD_BYTES_WITHOUT_LOST_ENTRY) {
      throw new CorruptLogException(path(), 0, "hard state of " + payload.remaining() + " bytes, expected "
          + PAYLOAD_BYTES);
    }
    long term = payload.getLong();
    long commit = payload.getLong();
    byte hasVote = payload.get();
    UUID vote = new UUID(payload.getLong(), payload.getLong());
    long lostIndex = payload.hasRemaining() ? payload.getLong() : 0;
    long lostTerm = payload.hasRemaining() ? payload.getLong() : 0;
    if (term < 0 || commit < 0 || (hasVote != 0 && hasVote != 1) || lostIndex < 0 || lostTerm < 0
        || (lostIndex == 0 && lostTerm != 0)) {
      throw new CorruptLogException(path(), 0, "impossible hard state (term " + term + ", commit " + commit
          + ", vote flag " + hasVote + ", lost entry " + lostIndex + " of term " + lostTerm + ")");
    }
    return Optional.of(new HardState(term, hasVote == 1 ? new MemberId(vote) : null, commit,
        lostIndex == 0 ? null : new HardState.LostEntry(lostIndex, lostTerm)));
  }

  boolean deleteLeftover() throws IOException {
    return file.deleteLeftover();
  }
}
