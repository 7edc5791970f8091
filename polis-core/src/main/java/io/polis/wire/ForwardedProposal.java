package io.polis.wire;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Commands a follower forwards to the leader to be appended. The follower learns the outcome when it
 * applies the entries (each command identifies its origin), so there is no response message.
 *
 * @param group the Raft group
 * @param term the follower's term (informational)
 * @param commands the commands, each opaque to consensus; arrays are handed over, not copied
 */
public record ForwardedProposal(String group, long term, List<byte[]> commands) implements RaftMessage {

  /** Validates the components. */
  public ForwardedProposal {
    RaftCodec.checkGroup(group);
    RaftCodec.checkNonNegative("term", term);
    Objects.requireNonNull(commands, "commands");
    if (commands.isEmpty() || commands.size() > MAX_ENTRIES) {
      throw new IllegalArgumentException("a forwarded proposal carries 1 to " + MAX_ENTRIES
          + " commands, not " + commands.size());
    }
    commands.forEach(c -> Objects.requireNonNull(c, "command"));
    commands = List.copyOf(commands);
  }

  @Override
  public MessageType type() {
    return MessageType.FORWARDED_PROPOSAL;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof ForwardedProposal p) || !group.equals(p.group) || term != p.term
        || commands.size() != p.commands.size()) {
      return false;
    }
    for (int i = 0; i < commands.size(); i++) {
      if (!Arrays.equals(commands.get(i), p.commands.get(i))) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int hashCode() {
    int h = Objects.hash(group, term);
    for (byte[] c : commands) {
      h = 31 * h + Arrays.hashCode(c);
    }
    return h;
  }

  @Override
  public String toString() {
    return "ForwardedProposal[group=" + group + ", term=" + term + ", " + commands.size() + " commands]";
  }
}
