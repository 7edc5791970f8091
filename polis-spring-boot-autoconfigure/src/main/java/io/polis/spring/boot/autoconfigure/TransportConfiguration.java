package io.polis.spring.boot.autoconfigure;

import io.polis.node.MemberId;
import io.polis.transport.InboundHandler;
import io.polis.transport.Transport;
import io.polis.transport.TransportConfig;
import io.polis.transport.netty.NettyTransport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The member's identity and its TCP transport. */
@Configuration(proxyBeanMethods = false)
class TransportConfiguration {

  private static final Logger log = LoggerFactory.getLogger(TransportConfiguration.class);

  @Bean
  @ConditionalOnMissingBean
  MemberId polisMemberId() {
    // A fresh id per start until a data directory keeps one (see the durability work).
    return MemberId.random();
  }

  @Bean
  @ConditionalOnMissingBean
  TransportConfig polisTransportConfig(PolisProperties properties, MemberId memberId,
      ObjectProvider<PolisTransportCustomizer> customizers) {
    return TransportConfigFactory.create(properties, memberId, customizers.orderedStream());
  }

  @Bean
  @ConditionalOnMissingBean(Transport.class)
  NettyTransport polisTransport(TransportConfig config) {
    return new NettyTransport(config);
  }

  @Bean
  @ConditionalOnMissingBean
  InboundHandler polisInboundHandler() {
    // Protocol services register their own handler; until one does, say what is being dropped.
    return (from, message) -> log.debug("no service handles {} from {}; dropped", message, from);
  }

  @Bean
  @ConditionalOnMissingBean
  TransportLifecycle polisTransportLifecycle(Transport transport, InboundHandler handler) {
    return new TransportLifecycle(transport, handler);
  }
}
