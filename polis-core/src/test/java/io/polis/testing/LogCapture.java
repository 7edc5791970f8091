package io.polis.testing;

import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.slf4j.LoggerFactory;

/**
 * Captures log lines of the {@code io.polis} loggers (and optionally others, such as {@code io.netty})
 * so tests can assert that a reason was logged. Use in try-with-resources, or start in
 * {@code @BeforeEach} and close in {@code @AfterEach}.
 */
public final class LogCapture implements AutoCloseable {

  private final List<Logger> loggers;
  private final List<ILoggingEvent> events = new CopyOnWriteArrayList<>();
  private final AppenderBase<ILoggingEvent> appender = new AppenderBase<>() {
    @Override
    protected void append(ILoggingEvent event) {
      events.add(event);
    }
  };

  /** Starts capturing the {@code io.polis} loggers. */
  public LogCapture() {
    this("io.polis");
  }

  /**
   * Starts capturing the given loggers and their descendants, each at the level configured for it.
   * Capturing {@code io.netty} too catches what Netty logs on Polis's behalf, such as an exception that
   * no handler took care of.
   *
   * @param loggerNames the logger names, e.g. {@code "io.polis", "io.netty"}
   */
  public LogCapture(String... loggerNames) {
    loggers = Arrays.stream(loggerNames).map(name -> (Logger) LoggerFactory.getLogger(name)).toList();
    appender.setName("log-capture-" + System.identityHashCode(this));
    appender.start();
    loggers.forEach(logger -> logger.addAppender(appender));
  }

  /** @return every captured line at WARN or above, formatted */
  public List<String> warnings() {
    return events.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
        .map(ILoggingEvent::getFormattedMessage).collect(Collectors.toList());
  }

  /** @return every captured line, formatted */
  public List<String> lines() {
    return events.stream().map(ILoggingEvent::getFormattedMessage).collect(Collectors.toList());
  }

  /**
   * Waits until a line at WARN or above contains every given fragment.
   *
   * @param fragments the texts the line must contain
   * @return the line
   */
  public String awaitWarning(String... fragments) {
    return await("a WARN line containing " + List.of(fragments)).atMost(Duration.ofSeconds(10))
        .until(() -> warnings().stream().filter(line -> containsAll(line, fragments)).findFirst().orElse(null), line -> line != null);
  }

  /**
   * Waits until a line at WARN or above starts with the given text and contains every given fragment.
   * Polis log lines start with the logging node's short member id, so this tells which node logged.
   *
   * @param start the text the line must start with, usually {@code memberId.shortForm()}
   * @param fragments the texts the line must contain
   * @return the line
   */
  public String awaitWarningFrom(String start, String... fragments) {
    return await("a WARN line starting with " + start + " containing " + List.of(fragments))
        .atMost(Duration.ofSeconds(10)).until(() -> warnings().stream()
        .filter(line -> line.startsWith(start) && containsAll(line, fragments)).findFirst().orElse(null),
        line -> line != null);
  }

  /**
   * Waits until any line contains every given fragment.
   *
   * @param fragments the texts the line must contain
   * @return the line
   */
  public String awaitLine(String... fragments) {
    return await("a line containing " + List.of(fragments)).atMost(Duration.ofSeconds(10))
        .until(() -> lines().stream()
        .filter(line -> containsAll(line, fragments)).findFirst().orElse(null), line -> line != null);
  }

  /**
   * Counts the lines at WARN or above that contain every given fragment.
   *
   * @param fragments the texts the line must contain
   * @return how many such lines were captured so far
   */
  public long countWarnings(String... fragments) {
    return warnings().stream().filter(line -> containsAll(line, fragments)).count();
  }

  private static boolean containsAll(String line, String... fragments) {
    for (String fragment : fragments) {
      if (!line.contains(fragment)) {
        return false;
      }
    }
    return true;
  }

  @Override
  public void close() {
    loggers.forEach(logger -> logger.detachAppender(appender));
    appender.stop();
  }
}
