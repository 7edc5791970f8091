package io.polis.transport.local;

import io.polis.node.Address;
import java.util.HashSet;
import java.util.Set;

/**
 * Which directed links of a {@link LocalNetwork} are cut. Links are named by address, not by node, so a
 * node restarted at a blocked address is still cut off, like a machine behind a pulled cable.
 *
 * <p>A node can always reach itself: loopback never crosses the network.
 */
final class Firewall {

  private final Set<Link> blocked = new HashSet<>();
  private final Set<Address> isolated = new HashSet<>();

  void block(Address from, Address to) {
    blocked.add(new Link(from, to));
  }

  void unblock(Address from, Address to) {
    blocked.remove(new Link(from, to));
  }

  /** Cuts every link to and from the address, including links to nodes that do not exist yet. */
  void isolate(Address address) {
    isolated.add(address);
  }

  void heal() {
    blocked.clear();
    isolated.clear();
  }

  boolean isBlocked(Address from, Address to) {
    if (from.equals(to)) {
      return false;
    }
    return isolated.contains(from) || isolated.contains(to) || blocked.contains(new Link(from, to));
  }
}
