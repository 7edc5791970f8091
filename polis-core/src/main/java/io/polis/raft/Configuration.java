package io.polis.raft;

import io.polis.node.Address;
import io.polis.node.MemberId;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * The members of a Raft group: voters, who elect and form quorums, and learners, who only receive the
 * log. Addresses travel with the ids so a member can reach peers it has only read about in the log.
 *
 * <p>A member uses the latest configuration in its log, committed or not (Raft thesis §4.1), and
 * falls back to the previous one if that entry is truncated.
 *
 * @param voters voters by id, in a stable order
 * @param learners learners by id; disjoint from the voters
 */
public record Configuration(Map<MemberId, Address> voters, Map<MemberId, Address> learners) {

  /** A configuration with no members: a new member that waits to be added. */
  public static final Configuration EMPTY = new Configuration(Map.of(), Map.of());

  /** Validates the components. */
  public Configuration {
    voters = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(voters, "voters")));
    learners = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(learners, "learners")));
    for (MemberId id : learners.keySet()) {
      if (voters.containsKey(id)) {
        throw new IllegalArgumentException(id + " cannot be both a voter and a learner");
      }
    }
  }

  /**
   * Returns whether a member is a voter or a learner here.
   *
   * @param id the member
   * @return true when it belongs to the group
   */
  public boolean contains(MemberId id) {
    return voters.containsKey(id) || learners.containsKey(id);
  }

  /**
   * Returns whether a member votes.
   *
   * @param id the member
   * @return true for a voter
   */
  public boolean isVoter(MemberId id) {
    return voters.containsKey(id);
  }

  /**
   * Returns the address of a member, voter or learner.
   *
   * @param id the member
   * @return the address, or null when it does not belong
   */
  public @org.jspecify.annotations.Nullable Address address(MemberId id) {
    Address a = voters.get(id);
    return a != null ? a : learners.get(id);
  }

  /**
   * Returns every member, voters first.
   *
   * @return the ids
   */
  public Set<MemberId> members() {
    Set<MemberId> all = new java.util.LinkedHashSet<>(voters.keySet());
    all.addAll(learners.keySet());
    return all;
  }

  /**
   * Returns how many voters make a majority.
   *
   * @return {@code voters / 2 + 1}
   */
  public int quorum() {
    return voters.size() / 2 + 1;
  }

  /**
   * Encodes this configuration for a {@link io.polis.wire.EntryKind#CONFIGURATION} entry.
   *
   * @return the bytes
   */
  public byte[] encode() {
    byte[][] hosts = new byte[voters.size() + learners.size()][];
    int size = 8;
    int i = 0;
    for (Map<MemberId, Address> part : java.util.List.of(voters, learners)) {
      for (Address a : part.values()) {
        hosts[i] = a.host().getBytes(StandardCharsets.UTF_8);
        size += 16 + 2 + 2 + hosts[i].length;
        i++;
      }
    }
    ByteBuffer out = ByteBuffer.allocate(size);
    i = 0;
    for (Map<MemberId, Address> part : java.util.List.of(voters, learners)) {
      out.putInt(part.size());
      for (Map.Entry<MemberId, Address> e : part.entrySet()) {
        out.putLong(e.getKey().value().getMostSignificantBits()).putLong(e.getKey().value().getLeastSignificantBits());
        out.putShort((short) hosts[i].length).put(hosts[i]).putShort((short) e.getValue().port());
        i++;
      }
    }
    return out.array();
  }

  /**
   * Decodes what {@link #encode()} wrote.
   *
   * @param bytes the entry's data
   * @return the configuration
   * @throws IllegalArgumentException if the bytes are not a valid configuration
   */
  public static Configuration decode(byte[] bytes) {
    try {
      ByteBuffer in = ByteBuffer.wrap(bytes);
      Map<MemberId, Address> voters = readPart(in);
      Map<MemberId, Address> learners = readPart(in);
      if (in.hasRemaining()) {
        throw new IllegalArgumentException(in.remaining() + " bytes after the configuration");
      }
      return new Configuration(voters, learners);
    } catch (BufferUnderflowException e) {
      throw new IllegalArgumentException("configuration entry is truncated", e);
    }
  }

  private static Map<MemberId, Address> readPart(ByteBuffer in) {
    int count = in.getInt();
    if (count < 0 || count > in.remaining() / 20) {
      throw new IllegalArgumentException("configuration claims " + count + " members in " + in.remaining() + " bytes");
    }
    Map<MemberId, Address> part = new LinkedHashMap<>();
    for (int i = 0; i < count; i++) {
      MemberId id = new MemberId(new UUID(in.getLong(), in.getLong()));
      byte[] host = new byte[Short.toUnsignedInt(in.getShort())];
      in.get(host);
      part.put(id, new Address(new String(host, StandardCharsets.UTF_8), Short.toUnsignedInt(in.getShort())));
    }
    return part;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("voters=[");
    voters.keySet().forEach(id -> sb.append(id.shortForm()).append(' '));
    sb.append("] learners=[");
    learners.keySet().forEach(id -> sb.append(id.shortForm()).append(' '));
    return sb.append(']').toString().replace(" ]", "]");
  }
}
