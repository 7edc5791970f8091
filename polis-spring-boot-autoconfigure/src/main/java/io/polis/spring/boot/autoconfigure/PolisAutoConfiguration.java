package io.polis.spring.boot.autoconfigure;

import io.polis.transport.netty.NettyTransport;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Import;

/** Makes the application a Polis cluster member. Turned off with {@code polis.enabled=false}. */
@AutoConfiguration
@ConditionalOnClass(NettyTransport.class)
@ConditionalOnBooleanProperty(name = "polis.enabled", matchIfMissing = true)
@EnableConfigurationProperties(PolisProperties.class)
@Import(TransportConfiguration.class)
public final class PolisAutoConfiguration {}
