package io.polis.transport.netty;

import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import io.polis.wire.UnsupportedVersionException;
import io.polis.wire.WireFormatException;
import java.io.IOException;
import javax.net.ssl.SSLException;
import org.jspecify.annotations.Nullable;

/** Sorts the exceptions a channel can raise into the few kinds the handlers treat differently. */
final class Failures {

  private Failures() {}

  /** Strips Netty's decoder/encoder wrappers to reach the exception that says what happened. */
  static Throwable root(Throwable t) {
    Throwable current = t;
    while ((current instanceof DecoderException || current.getClass() == RuntimeException.class)
        && current.getCause() != null && current.getCause() != current) {
      current = current.getCause();
    }
    return current;
  }

  static @Nullable UnsupportedVersionException unsupportedVersion(Throwable t) {
    return root(t) instanceof UnsupportedVersionException v ? v : null;
  }

  /** True when the peer sent bytes that are not a valid Polis frame. */
  static boolean isMalformedInput(Throwable t) {
    Throwable root = root(t);
    return root instanceof WireFormatException || root instanceof TooLongFrameException
        || root instanceof CorruptedFrameException;
  }

  static boolean isTls(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof SSLException) {
        return true;
      }
      if (c.getCause() == c) {
        break;
      }
    }
    return false;
  }

  /** True for the ordinary end of a TCP connection (reset by peer, broken pipe). */
  static boolean isConnectionReset(Throwable t) {
    return root(t) instanceof IOException && !isTls(t);
  }

  static String describe(Throwable t) {
    Throwable root = root(t);
    if (root instanceof TooLongFrameException) {
      return "frame too long: " + root.getMessage() + " (not a Polis peer, or its max frame size is larger)";
    }
    String message = root.getMessage();
    return message == null ? root.getClass().getSimpleName() : message;
  }
}
