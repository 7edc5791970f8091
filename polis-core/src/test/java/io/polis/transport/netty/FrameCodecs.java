package io.polis.transport.netty;

import io.netty.channel.ChannelHandler;

/**
 * Hands the package-private frame codecs to tests in other packages (the wire fuzz tests), so that they
 * exercise the real decoder without the main code widening its visibility for them.
 */
public final class FrameCodecs {

  private FrameCodecs() {}

  /**
   * Creates a frame decoder.
   *
   * @param maxFrameBytes the largest frame accepted, length prefix excluded
   * @return a new decoder; stateful, one per channel
   */
  public static ChannelHandler newDecoder(int maxFrameBytes) {
    return new FrameDecoder(maxFrameBytes);
  }
}
