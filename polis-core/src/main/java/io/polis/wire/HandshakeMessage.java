package io.polis.wire;

/**
 * Messages exchanged while a connection is being established, before any {@link PeerMessage} may flow.
 *
 * <p>The exchange, initiated by the connecting side:
 *
 * <pre>
 *   client                                   server
 *   Hello(cluster, id, address, nonceC)  -&gt;
 *                                        &lt;-  Welcome(cluster, id, address, nonceS, proofS)
 *   AuthProof(proofC)                    -&gt;
 *                                        &lt;-  Accepted
 * </pre>
 *
 * Either side may answer with {@link Reject} instead and close. With no cluster secret configured the
 * proofs are empty; with one, each proof is an HMAC-SHA256 over both nonces, so neither side can replay
 * an old exchange.
 */
public sealed interface HandshakeMessage extends Message permits Hello, Welcome, AuthProof, Accepted, Reject {}
