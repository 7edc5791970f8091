package io.polis.membership;

import io.polis.node.Address;
import java.util.List;

/**
 * Supplies the addresses a node contacts to join the cluster. Asked again at every join attempt, so a
 * provider backed by service discovery sees members that appear later.
 *
 * <p>Called on the membership thread: it must return quickly and must not block (a discovery-backed
 * provider caches and refreshes in the background). It should not throw; an exception counts as an
 * empty list and is logged.
 */
@FunctionalInterface
public interface SeedProvider {

  /**
   * Returns the current seed addresses. The node's own address may be among them; it is skipped.
   *
   * @return the seeds, possibly empty
   */
  List<Address> seeds();

  /**
   * Returns a provider of a fixed list.
   *
   * @param seeds the addresses
   * @return the provider
   */
  static SeedProvider of(List<Address> seeds) {
    List<Address> copy = List.copyOf(seeds);
    return () -> copy;
  }
}
