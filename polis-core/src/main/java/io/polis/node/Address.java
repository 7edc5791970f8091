package io.polis.node;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * A host and TCP port at which a member can be reached.
 *
 * <p>The host is kept as given (a name or a literal IP address) and resolved only when a connection is
 * made, so that an address read from configuration stays valid when DNS changes.
 *
 * @param host a host name or IP literal, never blank
 * @param port a TCP port, 0 to 65535 (0 only for a bind request meaning "any free port")
 */
public record Address(String host, int port) {

  /** The longest host accepted, in characters (the DNS limit for a full name). */
  public static final int MAX_HOST_LENGTH = 253;

  /** Validates the components. */
  public Address {
    Objects.requireNonNull(host, "host");
    if (host.isBlank()) {
      throw new IllegalArgumentException("address host must not be blank");
    }
    if (host.length() > MAX_HOST_LENGTH) {
      throw new IllegalArgumentException(
          "address host is " + host.length() + " characters, more than " + MAX_HOST_LENGTH);
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("address port " + port + " is outside 0..65535");
    }
  }

  /**
   * Parses {@code host:port}; an IPv6 literal must be bracketed, as in {@code [::1]:7800}.
   *
   * @param text the address text
   * @return the address
   * @throws IllegalArgumentException if the text has no port or the port is not a number in range
   */
  public static Address parse(String text) {
    Objects.requireNonNull(text, "text");
    String trimmed = text.trim();
    int colon = trimmed.lastIndexOf(':');
    if (colon <= 0 || colon == trimmed.length() - 1) {
      throw new IllegalArgumentException("address '" + text + "' is not of the form host:port");
    }
    String host = trimmed.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(trimmed.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("address '" + text + "' has a port that is not a number", e);
    }
    return new Address(host, port);
  }

  /**
   * Returns the address of a bound or connected socket.
   *
   * @param socketAddress a resolved socket address
   * @return its IP literal and port
   */
  public static Address of(InetSocketAddress socketAddress) {
    return new Address(socketAddress.getHostString(), socketAddress.getPort());
  }

  /**
   * Returns an unresolved socket address; resolution happens when a connection is made.
   *
   * @return this address as a socket address
   */
  public InetSocketAddress toSocketAddress() {
    return InetSocketAddress.createUnresolved(host, port);
  }

  @Override
  public String toString() {
    return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
  }
}
