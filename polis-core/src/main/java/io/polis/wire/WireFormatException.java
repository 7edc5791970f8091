package io.polis.wire;

/**
 * A frame or message body that does not follow the wire format. The message says what was wrong in
 * words an operator can act on; the connection that carried the frame is closed.
 */
public class WireFormatException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what was wrong with the bytes
   */
  public WireFormatException(String message) {
    super(message);
  }
}
