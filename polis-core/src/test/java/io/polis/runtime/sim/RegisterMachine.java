package io.polis.runtime.sim;

import io.polis.raft.StateMachine;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * A tiny key-value state machine with the semantics of the linearizability checker's register model
 * (versions count changes and never reset), used to test the driver on its own. Commands are text:
 * {@code P|key|value}, {@code D|key}, {@code C|key|expected|new} ({@code expected} empty = absent).
 */
final class RegisterMachine implements StateMachine {

  record Value(String value, long version) {}

  private final Map<String, String> values = new HashMap<>();
  private final Map<String, Long> versions = new HashMap<>();

  @Override
  public byte[] apply(long index, byte[] command) {
    String[] parts = new String(command, StandardCharsets.UTF_8).split("\\|", -1);
    String key = parts[1];
    long version = versions.getOrDefault(key, 0L);
    String result;
    switch (parts[0]) {
      case "P" -> {
        values.put(key, parts[2]);
        versions.put(key, ++version);
        result = Long.toString(version);
      }
      case "D" -> {
        if (values.remove(key) != null) {
          versions.put(key, ++version);
        }
        result = Long.toString(version);
      }
      case "C" -> {
        String current = values.get(key);
        String expected = parts[2].isEmpty() ? null : parts[2];
        if (java.util.Objects.equals(current, expected)) {
          values.put(key, parts[3]);
          versions.put(key, ++version);
          result = "1|" + version;
        } else {
          result = "0|" + version;
        }
      }
      default -> throw new IllegalArgumentException("unknown command " + parts[0]);
    }
    return result.getBytes(StandardCharsets.UTF_8);
  }

  Value get(String key) {
    return new Value(values.get(key), versions.getOrDefault(key, 0L));
  }

  static byte[] put(String key, String value) {
    return ("P|" + key + "|" + value).getBytes(StandardCharsets.UTF_8);
  }

  static byte[] delete(String key) {
    return ("D|" + key).getBytes(StandardCharsets.UTF_8);
  }

  static byte[] cas(String key, String expected, String value) {
    return ("C|" + key + "|" + (expected == null ? "" : expected) + "|" + value).getBytes(StandardCharsets.UTF_8);
  }
}
