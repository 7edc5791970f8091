package io.polis.runtime;

import io.polis.transport.InboundHandler;
import io.polis.transport.PeerInfo;
import io.polis.wire.DataMessage;
import io.polis.wire.PeerMessage;
import io.polis.wire.RaftMessage;
import io.polis.wire.SwimMessage;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transport's inbound handler: hands each message to the engine of its protocol family. Runs on a
 * transport thread, so the targets only enqueue onto their own threads.
 */
public final class MessageRouter implements InboundHandler {

  private static final Logger log = LoggerFactory.getLogger(MessageRouter.class);

  /** Receives the messages of one protocol family. */
  @FunctionalInterface
  public interface Target<M extends PeerMessage> {
    /**
     * Accepts a message; must not block.
     *
     * @param from the sender
     * @param message the message
     */
    void accept(PeerInfo from, M message);
  }

  private volatile Target<SwimMessage> membership = (from, m) -> dropped(from, m);
  private volatile Target<DataMessage> data = (from, m) -> dropped(from, m);
  private volatile Target<RaftMessage> raft = (from, m) -> dropped(from, m);

  /** @param target receives SWIM messages */
  public void routeMembership(Target<SwimMessage> target) {
    membership = Objects.requireNonNull(target);
  }

  /** @param target receives data messages */
  public void routeData(Target<DataMessage> target) {
    data = Objects.requireNonNull(target);
  }

  /** @param target receives Raft messages of all groups, to dispatch by {@link RaftMessage#group()} */
  public void routeRaft(Target<RaftMessage> target) {
    raft = Objects.requireNonNull(target);
  }

  @Override
  public void onMessage(PeerInfo from, PeerMessage message) {
    if (message instanceof SwimMessage swim) {
      membership.accept(from, swim);
    } else if (message instanceof DataMessage d) {
      data.accept(from, d);
    } else if (message instanceof RaftMessage r) {
      raft.accept(from, r);
    }
  }

  private static void dropped(PeerInfo from, PeerMessage message) {
    log.debug("no engine handles {} from {}; dropped", message.type(), from);
  }
}
