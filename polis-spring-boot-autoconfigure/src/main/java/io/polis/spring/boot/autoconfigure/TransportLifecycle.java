package io.polis.spring.boot.autoconfigure;

import io.polis.transport.InboundHandler;
import io.polis.transport.Transport;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/** Starts the transport with the application context and stops it, gracefully, before the context closes. */
final class TransportLifecycle implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(TransportLifecycle.class);

  /** Early start, late stop: other cluster services start after the transport and stop before it. */
  static final int PHASE = Integer.MIN_VALUE + 1000;

  private final Transport transport;
  private final InboundHandler handler;
  private volatile boolean running;

  TransportLifecycle(Transport transport, InboundHandler handler) {
    this.transport = transport;
    this.handler = handler;
  }

  @Override
  public void start() {
    try {
      transport.start(handler).join();
    } catch (CompletionException e) {
      throw new IllegalStateException("Polis could not start: " + e.getCause().getMessage(), e.getCause());
    }
    running = true;
    log.info("Polis member {} listening on {}", transport.localId(), transport.localAddress());
  }

  @Override
  public void stop() {
    running = false;
    transport.close();
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  @Override
  public int getPhase() {
    return PHASE;
  }
}
