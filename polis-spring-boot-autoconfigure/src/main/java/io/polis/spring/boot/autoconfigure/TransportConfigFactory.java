package io.polis.spring.boot.autoconfigure;

import io.polis.node.Address;
import io.polis.node.MemberId;
import io.polis.transport.TlsConfig;
import io.polis.transport.TransportConfig;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/** Maps {@link PolisProperties} onto a {@link TransportConfig}; validation stays in the core builder. */
final class TransportConfigFactory {

  private TransportConfigFactory() {}

  static TransportConfig create(PolisProperties properties, MemberId memberId,
      Stream<PolisTransportCustomizer> customizers) {
    TransportConfig.Builder builder = TransportConfig.builder(memberId)
        .clusterName(properties.getClusterName())
        .bindHost(properties.getBindHost())
        .port(properties.getPort())
        .maxFrameBytes(Math.toIntExact(properties.getMaxFrameSize().toBytes()))
        .handshakeTimeout(properties.getHandshakeTimeout())
        .heartbeatInterval(properties.getHeartbeatInterval())
        .idleTimeout(properties.getIdleTimeout())
        .secret(properties.getSecret());
    String advertised = properties.getAdvertisedAddress();
    if (advertised != null && !advertised.isBlank()) {
      builder.advertisedAddress(Address.parse(advertised));
    }
    PolisProperties.Tls tls = properties.getTls();
    if (tls.isEnabled()) {
      builder.tls(new TlsConfig(required(tls.getCertificateChain(), "certificate-chain"),
          required(tls.getPrivateKey(), "private-key"), tls.getPrivateKeyPassword(),
          required(tls.getTrustedCertificates(), "trusted-certificates"), tls.isRequireClientAuth()));
    }
    customizers.forEach(c -> c.customize(builder));
    return builder.build();
  }

  private static Path required(@Nullable Path path, String property) {
    if (path == null) {
      throw new IllegalArgumentException("polis.tls.enabled is true but polis.tls." + property + " is not set");
    }
    return path;
  }
}
