package io.polis.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.polis.node.Address;
import io.polis.node.MemberId;
import io.polis.transport.Transport;
import io.polis.transport.TransportConfig;
import io.polis.transport.netty.NettyTransport;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

class PolisAutoConfigurationTest {

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(PolisAutoConfiguration.class))
      .withPropertyValues("polis.port=0", "polis.bind-host=127.0.0.1");

  @Test
  void startsATransportOnTheConfiguredInterface() {
    runner.run(context -> {
      assertThat(context).hasSingleBean(NettyTransport.class);
      Transport transport = context.getBean(Transport.class);
      assertThat(transport.localAddress().host()).isEqualTo("127.0.0.1");
      assertThat(transport.localAddress().port()).isPositive();
      assertThat(transport.localId()).isEqualTo(context.getBean(MemberId.class));
    });
  }

  @Test
  void bindsProperties() {
    runner.withPropertyValues("polis.cluster-name=orders", "polis.secret=0123456789abcdef0123",
        "polis.max-frame-size=1MB", "polis.handshake-timeout=2s", "polis.heartbeat-interval=500ms",
        "polis.idle-timeout=3s", "polis.advertised-address=10.1.2.3:7900").run(context -> {
          TransportConfig config = context.getBean(TransportConfig.class);
          assertThat(config.clusterName()).isEqualTo("orders");
          assertThat(config.secret()).isPresent();
          assertThat(config.maxFrameBytes()).isEqualTo(1024 * 1024);
          assertThat(config.handshakeTimeout()).isEqualTo(Duration.ofSeconds(2));
          assertThat(config.heartbeatInterval()).isEqualTo(Duration.ofMillis(500));
          assertThat(config.idleTimeout()).isEqualTo(Duration.ofSeconds(3));
          assertThat(config.advertisedAddress()).contains(new Address("10.1.2.3", 7900));
        });
  }

  @Test
  void invalidPropertiesFailStartupWithAMessageNamingTheSetting() {
    runner.withPropertyValues("polis.secret=short").run(context -> {
      assertThat(context).hasFailed();
      assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("secret must be at least 16 bytes");
    });
    runner.withPropertyValues("polis.heartbeat-interval=5s", "polis.idle-timeout=6s").run(context ->
        assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("idleTimeout"));
    runner.withPropertyValues("polis.tls.enabled=true").run(context ->
        assertThat(context.getStartupFailure()).rootCause()
            .hasMessageContaining("polis.tls.certificate-chain is not set"));
    runner.withPropertyValues("polis.advertised-address=nohost").run(context ->
        assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("host:port"));
  }

  @Test
  void customizersApplyAfterProperties() {
    runner.withBean(PolisTransportCustomizer.class, () -> b -> b.clusterName("customized"))
        .run(context -> assertThat(context.getBean(TransportConfig.class).clusterName()).isEqualTo("customized"));
  }

  @Test
  void backsOffWhenTheUserDefinesTheirOwnMemberIdAndTransport() {
    runner.withUserConfiguration(UserTransport.class).run(context -> {
      assertThat(context).hasSingleBean(Transport.class);
      assertThat(context.getBean(Transport.class)).isSameAs(context.getBean("userTransport"));
      assertThat(context.getBean(MemberId.class)).isEqualTo(UserTransport.ID);
    });
  }

  @Test
  void canBeTurnedOff() {
    runner.withPropertyValues("polis.enabled=false")
        .run(context -> assertThat(context).doesNotHaveBean(Transport.class));
  }

  @Configuration(proxyBeanMethods = false)
  static class UserTransport {
    static final MemberId ID = new MemberId(UUID.fromString("00000000-0000-0000-0000-000000000001"));

    @Bean
    MemberId userMemberId() {
      return ID;
    }

    @Bean
    Transport userTransport(TransportConfig config) {
      return new NettyTransport(config);
    }
  }
}
