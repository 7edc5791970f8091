package io.polis.spring.boot.autoconfigure;

import io.polis.membership.MembershipConfig;
import io.polis.membership.SeedProvider;

/** Maps {@link PolisProperties} onto a {@link MembershipConfig}; validation stays in the core builder. */
final class MembershipConfigFactory {

  private MembershipConfigFactory() {}

  static MembershipConfig create(PolisProperties properties, SeedProvider seeds) {
    PolisProperties.Membership m = properties.getMembership();
    return MembershipConfig.builder()
        .seeds(seeds)
        .metadata(properties.getMetadata())
        .probeInterval(m.getProbeInterval())
        .probeTimeout(m.getProbeTimeout())
        .indirectProbes(m.getIndirectProbes())
        .suspicion(m.getSuspicionMultiplier(), m.getSuspicionMaxMultiplier())
        .pushPullInterval(m.getPushPullInterval())
        .reapTimeout(m.getReapTimeout())
        .build();
  }
}
