package io.polis.membership;

/**
 * Receives membership changes. All events of one node are delivered in order, one at a time, on that
 * node's event thread (never on the protocol thread, so a slow listener cannot stall failure
 * detection). Exceptions are logged and do not stop later events.
 */
@FunctionalInterface
public interface MembershipListener {

  /**
   * Handles one change.
   *
   * @param event the change
   */
  void onEvent(MembershipEvent event);
}
