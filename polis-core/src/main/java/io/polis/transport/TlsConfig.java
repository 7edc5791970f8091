package io.polis.transport;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * TLS settings for the TCP transport: every member presents the same kind of certificate as server and
 * as client. PEM files only; they are read when the transport starts.
 *
 * @param certificateChain PEM file with this member's certificate chain
 * @param privateKey PEM file with the PKCS#8 private key of that certificate
 * @param privateKeyPassword password of the private key, or null when it is not encrypted
 * @param trustedCertificates PEM file with the certificates (usually one CA) that peers' certificates
 *     must chain to
 * @param requireClientAuth whether accepting members require connecting members to present a trusted
 *     certificate too (mutual TLS)
 */
public record TlsConfig(
    Path certificateChain,
    Path privateKey,
    @Nullable String privateKeyPassword,
    Path trustedCertificates,
    boolean requireClientAuth) {

  /** Validates that the files exist and are readable, so a typo fails at configuration time. */
  public TlsConfig {
    requireReadable("certificateChain", certificateChain);
    requireReadable("privateKey", privateKey);
    requireReadable("trustedCertificates", trustedCertificates);
  }

  /**
   * Returns the private key's password, if it has one.
   *
   * @return the password
   */
  public Optional<String> password() {
    return Optional.ofNullable(privateKeyPassword);
  }

  private static void requireReadable(String name, Path file) {
    Objects.requireNonNull(file, name);
    if (!Files.isReadable(file)) {
      throw new IllegalArgumentException("TLS " + name + " file " + file + " does not exist or is not readable");
    }
  }

  @Override
  public String toString() {
    return "TlsConfig[certificateChain=" + certificateChain + ", privateKey=" + privateKey
        + ", trustedCertificates=" + trustedCertificates + ", requireClientAuth=" + requireClientAuth + "]";
  }
}
