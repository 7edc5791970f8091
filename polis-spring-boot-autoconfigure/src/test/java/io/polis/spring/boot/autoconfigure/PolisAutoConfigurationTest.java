package io.polis.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.polis.PolisNode;
import io.polis.membership.ClusterMembership;
import io.polis.membership.MembershipConfig;
import io.polis.node.Address;
import io.polis.node.MemberIdFile;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import io.polis.node.MemberId;
import io.polis.transport.Transport;
import io.polis.transport.TransportConfig;
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
      assertThat(context).hasSingleBean(PolisNode.class);
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
  void backsOffWhenTheUserDefinesTheirOwnMemberIdAndNode() {
    runner.withUserConfiguration(UserNode.class).run(context -> {
      assertThat(context).hasSingleBean(PolisNode.class);
      assertThat(context.getBean(PolisNode.class)).isSameAs(context.getBean("userNode"));
      assertThat(context.getBean(MemberId.class)).isEqualTo(UserNode.ID);
      assertThat(context.getBean(Transport.class).localId()).isEqualTo(UserNode.ID);
    });
  }

  @Test
  void bindsMembershipPropertiesAndKeepsTheIdInTheDataDirectory(@TempDir Path dir) {
    runner.withPropertyValues("polis.seeds=127.0.0.1:7801,127.0.0.1:7802", "polis.metadata.zone=eu-1",
        "polis.membership.probe-interval=300ms", "polis.data-dir=" + dir).run(context -> {
          MembershipConfig config = context.getBean(MembershipConfig.class);
          assertThat(config.seeds().seeds()).containsExactly(new Address("127.0.0.1", 7801),
              new Address("127.0.0.1", 7802));
          assertThat(config.metadata()).containsEntry("zone", "eu-1");
          assertThat(config.probeInterval()).isEqualTo(Duration.ofMillis(300));
          assertThat(context.getBean(ClusterMembership.class).local().metadata()).containsEntry("zone", "eu-1");
          assertThat(context.getBean(MemberId.class)).isEqualTo(MemberIdFile.loadOrCreate(dir));
        });
  }

  @Test
  void twoApplicationsWithEachOtherAsSeedsFormOneCluster() {
    runner.run(first -> {
      String seed = first.getBean(PolisNode.class).address().toString();
      runner.withPropertyValues("polis.seeds=" + seed).run(second -> {
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(15)).until(() ->
            first.getBean(ClusterMembership.class).members().size() == 2
                && second.getBean(ClusterMembership.class).members().size() == 2);
      });
    });
  }

  @Test
  void canBeTurnedOff() {
    runner.withPropertyValues("polis.enabled=false")
        .run(context -> assertThat(context).doesNotHaveBean(Transport.class));
  }

  @Configuration(proxyBeanMethods = false)
  static class UserNode {
    static final MemberId ID = new MemberId(UUID.fromString("00000000-0000-0000-0000-000000000001"));

    @Bean
    MemberId userMemberId() {
      return ID;
    }

    @Bean(destroyMethod = "close")
    PolisNode userNode(TransportConfig transport) {
      return PolisNode.start(transport, MembershipConfig.builder().build());
    }
  }
}
