package io.polis.wire;

/** A frame announcing a protocol version this node does not speak. */
public final class UnsupportedVersionException extends WireFormatException {

  private static final long serialVersionUID = 1L;

  private final int version;

  /**
   * Creates the exception.
   *
   * @param version the version the peer announced
   * @param supported the version this node speaks
   */
  public UnsupportedVersionException(int version, int supported) {
    super("protocol version " + version + " is not supported (this node speaks version " + supported + ")");
    this.version = version;
  }

  /**
   * Returns the version the peer announced.
   *
   * @return the peer's protocol version
   */
  public int version() {
    return version;
  }
}
