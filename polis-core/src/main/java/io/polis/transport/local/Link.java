package io.polis.transport.local;

import io.polis.node.Address;
import java.util.Objects;

/**
 * A directed link between two addresses: what a block or a per-link fault applies to.
 *
 * @param from the sending address
 * @param to the receiving address
 */
record Link(Address from, Address to) {

  /** Validates the components. */
  Link {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
  }
}
