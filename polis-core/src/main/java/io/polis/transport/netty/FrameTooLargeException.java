package io.polis.transport.netty;

/** An outbound message whose frame exceeds the maximum; turned into a typed send failure. */
final class FrameTooLargeException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final long frameBytes;
  private final long maxFrameBytes;

  FrameTooLargeException(long frameBytes, long maxFrameBytes) {
    super("frame of " + frameBytes + " bytes exceeds the maximum of " + maxFrameBytes, null, false, false);
    this.frameBytes = frameBytes;
    this.maxFrameBytes = maxFrameBytes;
  }

  long frameBytes() {
    return frameBytes;
  }

  long maxFrameBytes() {
    return maxFrameBytes;
  }
}
