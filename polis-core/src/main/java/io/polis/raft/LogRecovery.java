package io.polis.raft;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds the log from its segment files at open.
 *
 * <p>Every record is checked (checksum, and the index it must carry) and segments must follow each other
 * without a gap. Damage is cut off only where an interrupted write can leave it: at the end of the last
 * segment, with no intact record after it. A save returns only after its write, so such a record was
 * never acknowledged under {@link FileStorageConfig.SyncPolicy#ALWAYS}; a leader's write whose force had
 * not ended was never counted by the leader either (other members' forced copies made its majority). Any other damage fails the open:
 * dropping it could drop committed entries, and a member that forgets them may help elect a leader
 * without them.
 *
 * <p>A damaged last record that was written whole (a flipped bit, not a write cut short) is cut off too,
 * but it may have been forced and acknowledged: the store is told through {@link LossRecorder} before the
 * cut, so that the member remembers the loss durably and stays out of elections that could lose the entry.
 */
final class LogRecovery {

  private static final Logger log = LoggerFactory.getLogger(LogRecovery.class);

  private LogRecovery() {}

  /** Records, durably and before the cut, that an entry which may have been acknowledged is cut off. */
  @FunctionalInterface
  interface LossRecorder {
    /**
     * @param index the index of the entry cut off
     * @throws IOException if it cannot be recorded; the open then fails and nothing is cut
     */
    void possiblyAcknowledgedEntryLost(long index) throws IOException;
  }

  /**
   * Recovers the log of a locked directory.
   *
   * @param compaction where the log was compacted, or null
   * @param losses told of a cut that may lose an acknowledged entry, before it is made
   * @throws CorruptLogException if the log cannot be trusted
   */
  static SegmentedLog recover(Path directory, CompactionFile.@Nullable Mark compaction, FileStorageConfig config,
      Syncer syncer, LossRecorder losses) throws IOException {
    long compactedIndex = compaction == null ? 0 : compaction.index();
    List<Map.Entry<Long, Path>> files = new ArrayList<>(listSegments(directory).entrySet());
    List<LogSegment> segments = new ArrayList<>();
    try {
      for (int i = 0; i < files.size(); i++) {
        long firstIndex = files.get(i).getKey();
        Path path = files.get(i).getValue();
        if (i + 1 < files.size() && files.get(i + 1).getKey() <= compactedIndex + 1) {
          // Wholly compacted away; a crash came between writing the mark and deleting the file.
          log.info("deleting {}: its entries were compacted away (up to {})", path, compactedIndex);
          Files.delete(path);
          continue;
        }
        checkFollows(segments, firstIndex, path, compactedIndex);
        LogSegment segment = recoverSegment(path, firstIndex, i == files.size() - 1, syncer, losses);
        if (segment != null) {
          segments.add(segment);
        }
      }
      dropCompacted(segments, compactedIndex);
      if (compaction != null && !segments.isEmpty() && segments.get(0).firstIndex() <= compactedIndex) {
        long term = segments.get(0).term(compactedIndex);
        if (term != compaction.term()) {
          throw new CorruptLogException(segments.get(0).path(), 0, "entry " + compactedIndex + " has term " + term
              + " but the log was compacted there at term " + compaction.term());
        }
      }
      return new SegmentedLog(directory, segments, compactedIndex, config, syncer);
    } catch (IOException | RuntimeException e) {
      for (LogSegment segment : segments) {
        try {
          segment.close();
        } catch (IOException suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      throw e;
    }
  }

  private static TreeMap<Long, Path> listSegments(Path directory) throws IOException {
    TreeMap<Long, Path> files = new TreeMap<>();
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory)) {
      for (Path path : stream) {
        OptionalLong first = LogSegment.parseFirstIndex(path.getFileName().toString());
        if (first.isPresent()) {
          files.put(first.getAsLong(), path);
        }
      }
    }
    return files;
  }

  private static void checkFollows(List<LogSegment> segments, long firstIndex, Path path, long compactedIndex) {
    if (segments.isEmpty()) {
      if (firstIndex < 1 || firstIndex > compactedIndex + 1) {
        throw new CorruptLogException(path, 0, "the log starts at entry " + firstIndex + " but entries up to "
            + compactedIndex + " only were compacted away; entries are missing");
      }
    } else if (firstIndex != segments.get(segments.size() - 1).lastIndex() + 1) {
      throw new CorruptLogException(path, 0, "segment starts at entry " + firstIndex + " but the previous one ends"
          + " at entry " + segments.get(segments.size() - 1).lastIndex() + "; a segment is missing or damaged");
    }
  }

  private static @Nullable LogSegment recoverSegment(Path path, long firstIndex, boolean last, Syncer syncer,
      LossRecorder losses) throws IOException {
    SegmentScanner.Result result = SegmentScanner.scan(path, firstIndex);
    LogSegment segment = result.segment();
    if (result.damageOffset() < 0) {
      return segment;
    }
    boolean cutOff = last && result.torn() && !result.intactRecordFollows();
    if (!cutOff) {
      if (segment != null) {
        segment.close();
      }
      String where = !last ? "in a segment that is not the last" : result.intactRecordFollows()
          ? "followed by intact records" : "not a torn write";
      throw new CorruptLogException(path, result.damageOffset(), "damaged record of entry "
          + (segment == null ? firstIndex : segment.lastIndex() + 1) + " (" + result.problem() + "), " + where);
    }
    long cutIndex = segment == null ? firstIndex : segment.lastIndex() + 1;
    if (result.writtenWhole()) {
      log.warn("{}: the record of entry {} at offset {} was written whole but is damaged ({}); it may have been"
          + " acknowledged, so this member will not help elect a leader that may lack it until a leader has"
          + " committed entry {} here again", path, cutIndex, result.damageOffset(), result.problem(), cutIndex);
      losses.possiblyAcknowledgedEntryLost(cutIndex);
    }
    if (segment == null) {
      log.warn("{}: deleting the last segment, cut short at offset {} when it was created ({})", path,
          result.damageOffset(), result.problem());
      Files.delete(path);
      return null;
    }
    log.warn("{}: truncating {} at offset {} ({}); the log now ends at entry {}", path,
        result.writtenWhole() ? "a damaged last record" : "a torn write", result.damageOffset(), result.problem(),
        segment.lastIndex());
    // The scanned segment already ends before the damage; this cuts the file to match.
    segment.truncateFrom(segment.lastIndex() + 1);
    segment.force(syncer);
    return segment;
  }

  /** Deletes leading segments that hold nothing after the compaction mark. */
  private static void dropCompacted(List<LogSegment> segments, long compactedIndex) throws IOException {
    while (!segments.isEmpty() && segments.get(0).lastIndex() <= compactedIndex && compactedIndex > 0) {
      LogSegment segment = segments.remove(0);
      log.info("deleting {}: its entries were compacted away (up to {})", segment.path(), compactedIndex);
      segment.delete();
    }
  }
}
