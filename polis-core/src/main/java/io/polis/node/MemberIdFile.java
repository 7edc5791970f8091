package io.polis.node;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.UUID;

/**
 * Keeps a member's id in its data directory, so that a restart with the same directory is the same
 * member and a restart without it is a new one (an old voter's identity is never resumed by accident).
 */
public final class MemberIdFile {

  /** The file's name inside the data directory. */
  public static final String FILE_NAME = "member-id";

  private MemberIdFile() {}

  /**
   * Reads the id kept in the directory, or creates, writes and returns a new one.
   *
   * @param dataDirectory the member's data directory; created if missing
   * @return the member id
   * @throws IllegalStateException if the file exists but does not hold a member id (it is left untouched:
   *     a corrupt identity needs an operator, not a silent new member)
   * @throws UncheckedIOException if the directory or file cannot be read or written
   */
  public static MemberId loadOrCreate(Path dataDirectory) {
    Path file = dataDirectory.resolve(FILE_NAME);
    try {
      Files.createDirectories(dataDirectory);
      if (Files.exists(file)) {
        String text = Files.readString(file, StandardCharsets.UTF_8).trim();
        try {
          return MemberId.parse(text);
        } catch (IllegalArgumentException e) {
          throw new IllegalStateException("data directory " + dataDirectory + " holds a " + FILE_NAME
              + " file that is not a member id ('" + abbreviate(text) + "'); restore it, or remove the"
              + " directory to join as a new member", e);
        }
      }
      MemberId id = new MemberId(UUID.randomUUID());
      Path temp = Files.createTempFile(dataDirectory, FILE_NAME, ".tmp");
      Files.writeString(temp, id + "\n", StandardCharsets.UTF_8);
      try {
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, file);
      }
      return id;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or write the member id in " + dataDirectory, e);
    }
  }

  private static String abbreviate(String text) {
    return text.length() > 40 ? text.substring(0, 40) + "..." : text;
  }
}
