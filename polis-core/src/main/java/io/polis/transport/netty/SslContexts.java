package io.polis.transport.netty;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.polis.transport.TlsConfig;
import javax.net.ssl.SSLException;

/**
 * Builds the server and client TLS contexts from a {@link TlsConfig}. Peers are verified against the
 * configured trusted certificates only; host names are not checked, because members are usually
 * addressed by IP and the cluster's own CA is the trust anchor.
 */
final class SslContexts {

  private SslContexts() {}

  static SslContext server(TlsConfig tls) {
    try {
      return SslContextBuilder
          .forServer(tls.certificateChain().toFile(), tls.privateKey().toFile(), tls.password().orElse(null))
          .trustManager(tls.trustedCertificates().toFile())
          .clientAuth(tls.requireClientAuth() ? ClientAuth.REQUIRE : ClientAuth.NONE)
          .build();
    } catch (SSLException | RuntimeException e) {
      throw new IllegalArgumentException("cannot load TLS server settings from " + tls + ": " + e.getMessage(), e);
    }
  }

  static SslContext client(TlsConfig tls) {
    try {
      return SslContextBuilder.forClient()
          .keyManager(tls.certificateChain().toFile(), tls.privateKey().toFile(), tls.password().orElse(null))
          .trustManager(tls.trustedCertificates().toFile())
          // Netty 4.2 checks host names by default (HTTPS rules); as documented above, Polis does not.
          .endpointIdentificationAlgorithm(null)
          .build();
    } catch (SSLException | RuntimeException e) {
      throw new IllegalArgumentException("cannot load TLS client settings from " + tls + ": " + e.getMessage(), e);
    }
  }
}
