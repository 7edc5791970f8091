package io.polis.transport.local;

import io.polis.node.Address;
import io.polis.transport.TransportConfig;
import java.net.BindException;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Which running transport listens at which address of a {@link LocalNetwork}, and the addresses handed
 * to new transports: the network's stand-in for the operating system's port table.
 */
final class Listeners {

  private static final Set<String> WILDCARD_HOSTS = Set.of("0.0.0.0", "::", "0:0:0:0:0:0:0:0");

  private final Map<Address, LocalTransport> byAddress = new HashMap<>();
  private int nextEphemeralPort = LocalNetwork.FIRST_EPHEMERAL_PORT;

  /**
   * Chooses the address of a new transport: the advertised address, or else the bind host and port,
   * with a wildcard host replaced by the loopback host and port 0 by a port nobody listens on.
   */
  Address assign(TransportConfig config) {
    Address requested = config.advertisedAddress()
        .orElseGet(() -> new Address(listenHost(config.bindHost()), config.port()));
    return requested.port() != 0 ? requested : new Address(requested.host(), ephemeralPort(requested.host()));
  }

  /** Takes the transport's address; returns why not if another running transport holds it. */
  @Nullable BindException bind(LocalTransport transport) {
    LocalTransport holder = byAddress.putIfAbsent(transport.localAddress(), transport);
    if (holder != null && holder != transport) {
      return new BindException("address " + transport.localAddress() + " is already in use by " + holder);
    }
    return null;
  }

  void unbind(LocalTransport transport) {
    byAddress.remove(transport.localAddress(), transport);
  }

  /** Returns the running transport at the address, if any. */
  @Nullable LocalTransport at(Address address) {
    return byAddress.get(address);
  }

  private static String listenHost(String bindHost) {
    return WILDCARD_HOSTS.contains(bindHost) ? LocalNetwork.LOOPBACK_HOST : bindHost;
  }

  private int ephemeralPort(String host) {
    // Wraps around the dynamic range and skips ports in use, as an operating system would.
    int rangeSize = 65536 - LocalNetwork.FIRST_EPHEMERAL_PORT;
    for (int attempt = 0; attempt < rangeSize; attempt++) {
      int port = nextEphemeralPort;
      nextEphemeralPort = port == 65535 ? LocalNetwork.FIRST_EPHEMERAL_PORT : port + 1;
      if (!byAddress.containsKey(new Address(host, port))) {
        return port;
      }
    }
    throw new IllegalStateException("no free ephemeral port left on " + host);
  }
}
