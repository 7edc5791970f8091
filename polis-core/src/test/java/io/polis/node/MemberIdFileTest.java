package io.polis.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MemberIdFileTest {

  @TempDir
  Path dir;

  @Test
  void aRestartWithTheSameDirectoryIsTheSameMember() {
    MemberId first = MemberIdFile.loadOrCreate(dir.resolve("data"));
    assertThat(MemberIdFile.loadOrCreate(dir.resolve("data"))).isEqualTo(first);
  }

  @Test
  void aRestartWithoutTheDirectoryIsANewMember() {
    MemberId first = MemberIdFile.loadOrCreate(dir.resolve("a"));
    assertThat(MemberIdFile.loadOrCreate(dir.resolve("b"))).isNotEqualTo(first);
  }

  @Test
  void aCorruptIdFileStopsStartUpWithAClearMessageAndIsLeftAlone() throws Exception {
    Files.writeString(dir.resolve(MemberIdFile.FILE_NAME), "not-a-uuid");
    assertThatThrownBy(() -> MemberIdFile.loadOrCreate(dir)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("not a member id").hasMessageContaining("remove the directory");
    assertThat(Files.readString(dir.resolve(MemberIdFile.FILE_NAME))).isEqualTo("not-a-uuid");
  }
}
