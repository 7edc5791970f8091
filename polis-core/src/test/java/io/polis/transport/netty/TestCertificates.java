package io.polis.transport.netty;

import io.polis.transport.TlsConfig;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Makes throw-away certificate authorities and member certificates as PEM files (certificates, and
 * PKCS#8 private keys as Netty's {@code SslContextBuilder} reads them), for TLS tests.
 *
 * <p>Keys are EC P-256: quick to generate, and accepted by the JDK's TLS 1.2 and 1.3. Member certificates
 * can act as TLS server and client, since every member is both. They name the member in a DNS
 * subjectAltName and deliberately carry no IP address: nodes are dialled at 127.0.0.1 in tests, so a
 * transport that checked host names against certificates would fail, and the transport promises not to.
 */
final class TestCertificates {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String SIGNATURE = "SHA256withECDSA";

  private TestCertificates() {}

  /**
   * Creates a self-signed certificate authority and writes its certificate to {@code <name>-ca.pem}.
   *
   * @param dir where to write the files
   * @param name the authority's name, also its file names' prefix
   */
  static Authority newAuthority(Path dir, String name) {
    try {
      KeyPair keys = newKeyPair();
      X500Name subject = new X500Name("CN=" + name + " CA,O=Polis tests");
      JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder builder = newBuilder(subject, subject, keys)
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
          .addExtension(Extension.subjectKeyIdentifier, false,
              extensions.createSubjectKeyIdentifier(keys.getPublic()));
      X509Certificate certificate = sign(builder, keys);
      Path file = dir.resolve(name + "-ca.pem");
      writePem(file, "CERTIFICATE", certificate.getEncoded());
      return new Authority(dir, name, subject, keys, certificate, file);
    } catch (GeneralSecurityException | IOException | OperatorCreationException e) {
      throw new IllegalStateException("cannot create test certificate authority " + name, e);
    }
  }

  /** A certificate authority: its key signs member certificates, its certificate file is what members trust. */
  static final class Authority {
    private final Path dir;
    private final String name;
    private final X500Name subject;
    private final KeyPair keys;
    private final X509Certificate certificate;
    private final Path certificateFile;

    private Authority(Path dir, String name, X500Name subject, KeyPair keys, X509Certificate certificate,
        Path certificateFile) {
      this.dir = dir;
      this.name = name;
      this.subject = subject;
      this.keys = keys;
      this.certificate = certificate;
      this.certificateFile = certificateFile;
    }

    /** The PEM file with this authority's certificate: the trust anchor of its members. */
    Path certificateFile() {
      return certificateFile;
    }

    /**
     * Issues a member certificate and writes {@code <member>.pem} (the member's certificate followed by
     * this authority's) and {@code <member>-key.pem} (the unencrypted PKCS#8 private key).
     *
     * @param member the member's name, unique within the directory
     */
    Issued issue(String member) {
      try {
        KeyPair memberKeys = newKeyPair();
        JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
        X509v3CertificateBuilder builder = newBuilder(new X500Name("CN=" + member + ",O=Polis tests"), subject,
            memberKeys)
            .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
            .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
            .addExtension(Extension.extendedKeyUsage, false,
                new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}))
            .addExtension(Extension.subjectAlternativeName, false,
                new GeneralNames(new GeneralName(GeneralName.dNSName, member + ".polis.test")))
            .addExtension(Extension.subjectKeyIdentifier, false,
                extensions.createSubjectKeyIdentifier(memberKeys.getPublic()))
            .addExtension(Extension.authorityKeyIdentifier, false,
                extensions.createAuthorityKeyIdentifier(certificate));
        X509Certificate memberCertificate = sign(builder, keys);
        Path chain = dir.resolve(member + ".pem");
        writePem(chain, "CERTIFICATE", memberCertificate.getEncoded(), certificate.getEncoded());
        Path key = dir.resolve(member + "-key.pem");
        writePem(key, "PRIVATE KEY", memberKeys.getPrivate().getEncoded()); // getEncoded() is PKCS#8
        return new Issued(chain, key, this);
      } catch (GeneralSecurityException | IOException | OperatorCreationException e) {
        throw new IllegalStateException("cannot issue a test certificate for " + member + " from " + name, e);
      }
    }
  }

  /**
   * A member's certificate chain and key files.
   *
   * @param certificateChain PEM: the member's certificate, then its issuer's
   * @param privateKey PEM: the unencrypted PKCS#8 key
   * @param issuer the authority that signed it
   */
  record Issued(Path certificateChain, Path privateKey, Authority issuer) {

    /** TLS settings presenting this certificate and trusting its own issuer. */
    TlsConfig tls(boolean requireClientAuth) {
      return tls(issuer, requireClientAuth);
    }

    /** TLS settings presenting this certificate and trusting the given authority. */
    TlsConfig tls(Authority trusted, boolean requireClientAuth) {
      return new TlsConfig(certificateChain, privateKey, null, trusted.certificateFile(), requireClientAuth);
    }
  }

  private static KeyPair newKeyPair() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
    return generator.generateKeyPair();
  }

  private static X509v3CertificateBuilder newBuilder(X500Name subject, X500Name issuer, KeyPair subjectKeys) {
    Instant now = Instant.now();
    return new JcaX509v3CertificateBuilder(issuer, new BigInteger(64, RANDOM).add(BigInteger.ONE),
        Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(1))), subject,
        subjectKeys.getPublic());
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair issuerKeys)
      throws GeneralSecurityException, OperatorCreationException {
    return new JcaX509CertificateConverter()
        .getCertificate(builder.build(new JcaContentSignerBuilder(SIGNATURE).build(issuerKeys.getPrivate())));
  }

  private static void writePem(Path file, String type, byte[]... ders) throws IOException {
    Base64.Encoder base64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII));
    StringBuilder pem = new StringBuilder();
    for (byte[] der : ders) {
      pem.append("-----BEGIN ").append(type).append("-----\n")
          .append(base64.encodeToString(der)).append("\n-----END ").append(type).append("-----\n");
    }
    Files.writeString(file, pem, StandardCharsets.US_ASCII);
  }
}
