package io.polis.membership;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Hands events to listeners on the event executor, which must run tasks one at a time, in order. */
final class EventDispatcher {

  private static final Logger log = LoggerFactory.getLogger(EventDispatcher.class);

  private final Executor executor;
  private final List<MembershipListener> listeners = new CopyOnWriteArrayList<>();

  EventDispatcher(Executor executor) {
    this.executor = executor;
  }

  void add(MembershipListener listener) {
    listeners.add(listener);
  }

  void remove(MembershipListener listener) {
    listeners.remove(listener);
  }

  void publish(MembershipEvent event) {
    if (listeners.isEmpty()) {
      return;
    }
    executor.execute(() -> {
      for (MembershipListener listener : listeners) {
        try {
          listener.onEvent(event);
        } catch (RuntimeException e) {
          log.error("membership listener {} failed on {}", listener, event, e);
        }
      }
    });
  }
}
