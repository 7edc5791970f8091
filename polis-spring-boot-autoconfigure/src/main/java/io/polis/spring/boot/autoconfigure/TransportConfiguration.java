package io.polis.spring.boot.autoconfigure;

import io.polis.PolisNode;
import io.polis.membership.ClusterMembership;
import io.polis.membership.MembershipConfig;
import io.polis.membership.SeedProvider;
import io.polis.node.Address;
import io.polis.node.MemberId;
import io.polis.node.MemberIdFile;
import io.polis.transport.Transport;
import io.polis.transport.TransportConfig;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The member's identity, its transport settings, its seeds and the running node. */
@Configuration(proxyBeanMethods = false)
class TransportConfiguration {

  private static final Logger log = LoggerFactory.getLogger(TransportConfiguration.class);

  @Bean
  @ConditionalOnMissingBean
  MemberId polisMemberId(PolisProperties properties) {
    Path dataDir = properties.getDataDir();
    // With a data directory the identity survives restarts; without one every start is a new member.
    return dataDir == null ? MemberId.random() : MemberIdFile.loadOrCreate(dataDir);
  }

  @Bean
  @ConditionalOnMissingBean
  TransportConfig polisTransportConfig(PolisProperties properties, MemberId memberId,
      ObjectProvider<PolisTransportCustomizer> customizers) {
    return TransportConfigFactory.create(properties, memberId, customizers.orderedStream());
  }

  @Bean
  @ConditionalOnMissingBean
  SeedProvider polisSeedProvider(PolisProperties properties) {
    List<Address> seeds = properties.getSeeds().stream().map(Address::parse).toList();
    return SeedProvider.of(seeds);
  }

  @Bean
  @ConditionalOnMissingBean
  MembershipConfig polisMembershipConfig(PolisProperties properties, SeedProvider seeds) {
    return MembershipConfigFactory.create(properties, seeds);
  }

  @Bean(destroyMethod = "shutdown")
  @ConditionalOnMissingBean
  PolisNode polisNode(TransportConfig transport, MembershipConfig membership) {
    PolisNode node = PolisNode.start(transport, membership);
    log.info("Polis member {} listening on {} in cluster '{}'", node.id(), node.address(), transport.clusterName());
    return node;
  }

  @Bean
  @ConditionalOnMissingBean
  ClusterMembership polisMembership(PolisNode node) {
    return node.membership();
  }

  @Bean(destroyMethod = "") // the node closes its transport, after leaving through it
  @ConditionalOnMissingBean
  Transport polisTransport(PolisNode node) {
    return node.transport();
  }
}
