package io.polis.transport.netty;

import io.polis.node.MemberId;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;

/**
 * HMAC-SHA256 challenge-response over the handshake. Each side proves it knows the cluster secret by
 * MACing both nonces, both member ids and a role label; the label stops one side's proof from being
 * reflected back as the other's, and the fresh nonces stop replay.
 */
final class HandshakeProofs {

  private static final byte[] NO_PROOF = new byte[0];
  private static final String ALGORITHM = "HmacSHA256";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final byte @Nullable [] secret;

  HandshakeProofs(byte @Nullable [] secret) {
    this.secret = secret;
  }

  boolean enabled() {
    return secret != null;
  }

  static byte[] newNonce(int length) {
    byte[] nonce = new byte[length];
    RANDOM.nextBytes(nonce);
    return nonce;
  }

  /** The accepting side's proof, sent in Welcome. */
  byte[] serverProof(String cluster, byte[] clientNonce, byte[] serverNonce, MemberId client, MemberId server) {
    return mac("polis-server", cluster, clientNonce, serverNonce, client, server);
  }

  /** The connecting side's proof, sent in AuthProof. */
  byte[] clientProof(String cluster, byte[] clientNonce, byte[] serverNonce, MemberId client, MemberId server) {
    return mac("polis-client", cluster, clientNonce, serverNonce, client, server);
  }

  /** Compares in constant time, so the comparison leaks nothing about how much of a guess was right. */
  static boolean matches(byte[] expected, byte[] actual) {
    return MessageDigest.isEqual(expected, actual);
  }

  private byte[] mac(String label, String cluster, byte[] clientNonce, byte[] serverNonce, MemberId client,
      MemberId server) {
    if (secret == null) {
      return NO_PROOF;
    }
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(new SecretKeySpec(secret, ALGORITHM));
      mac.update(label.getBytes(StandardCharsets.UTF_8));
      mac.update((byte) 0);
      mac.update(cluster.getBytes(StandardCharsets.UTF_8));
      mac.update((byte) 0);
      mac.update(clientNonce);
      mac.update(serverNonce);
      mac.update(client.toString().getBytes(StandardCharsets.US_ASCII));
      mac.update(server.toString().getBytes(StandardCharsets.US_ASCII));
      return mac.doFinal();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
    }
  }
}
