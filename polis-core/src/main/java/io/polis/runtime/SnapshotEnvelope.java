package io.polis.runtime;

import io.polis.raft.StateMachine;
import io.polis.raft.StateSnapshot;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The layout of a snapshot's state bytes as the driver writes them: a magic number and version, the
 * {@link AppliedRequests} (which commands were already applied, so that a duplicate arriving after the
 * snapshot is still skipped), then whatever the {@link StateMachine}'s snapshot writes, to the end.
 *
 * <p>Versions: 1 had no session expiry; 2 records, per proposer session, the index of its last command
 * applied, in least recently applied order, which expiry goes by. Only the current version is read: a
 * session table without those indexes cannot be made to expire as the members that replayed the log do.
 */
final class SnapshotEnvelope {

  /** "PSNP": a Polis snapshot. */
  private static final int MAGIC = 0x50534E50;
  static final int VERSION = 2;

  private SnapshotEnvelope() {}

  /** The state to save: the request windows as captured now, then the state machine's point-in-time view. */
  static StateSnapshot of(AppliedRequests requests, StateSnapshot state) {
    return out -> {
      DataOutputStream data = new DataOutputStream(new BufferedOutputStream(new NonClosing(out), 1 << 16));
      data.writeInt(MAGIC);
      data.writeByte(VERSION);
      requests.writeTo(data);
      data.flush();
      state.writeTo(out);
    };
  }

  /**
   * Restores the state machine from a snapshot's state bytes and returns the request windows.
   *
   * @throws IOException if the bytes are not a snapshot of this layout or the state machine refuses them
   */
  static AppliedRequests restore(InputStream in, StateMachine stateMachine) throws IOException {
    DataInputStream data = new DataInputStream(in);
    int magic = data.readInt();
    if (magic != MAGIC) {
      throw new IOException(String.format("not a Polis snapshot: starts with %08x", magic));
    }
    int version = data.readUnsignedByte();
    if (version != VERSION) {
      throw new IOException("snapshot layout version " + version + " is not supported: this build reads version "
          + VERSION + " only" + (version < VERSION ? " (an earlier build wrote it; start this member on an empty"
          + " data directory so that it joins as a new member and is sent a current snapshot)"
          : " (a later build wrote it; run that build)"));
    }
    AppliedRequests requests = AppliedRequests.readFrom(data);
    stateMachine.restore(in);
    return requests;
  }

  /** Lets the buffered header be flushed without closing the store's stream. */
  private static final class NonClosing extends java.io.FilterOutputStream {
    NonClosing(OutputStream out) {
      super(out);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
    }

    @Override
    public void close() throws IOException {
      flush();
    }
  }
}
