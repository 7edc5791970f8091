package io.polis.spring.boot.autoconfigure;

import io.polis.transport.TransportConfig;

/**
 * Adjusts the transport settings after the {@code polis.*} properties are applied. Beans of this type
 * are applied in {@link org.springframework.core.annotation.Order} order.
 */
@FunctionalInterface
public interface PolisTransportCustomizer {

  /**
   * Customizes the builder.
   *
   * @param builder the transport settings being built
   */
  void customize(TransportConfig.Builder builder);
}
