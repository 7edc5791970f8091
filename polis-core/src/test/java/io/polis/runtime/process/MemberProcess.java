package io.polis.runtime.process;

import io.polis.node.MemberId;
import io.polis.raft.RaftRole;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.HashSet;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The test's side of one running {@link RaftMemberProcess}: writes commands to its stdin and completes a
 * future per command from the answers on its stdout, read by a thread of its own.
 *
 * <p>Answers name their key but carry no request id, so at most one put and one get per key may be in
 * flight; status answers come back in the order asked. When the process's stdout ends (it exited or was
 * killed), every open request fails, as does every later one.
 */
final class MemberProcess implements AutoCloseable {

  /**
   * An answer to {@code status}.
   *
   * @param role the member's role
   * @param term its term
   * @param leader the leader it knows, or null
   * @param commit its commit index
   * @param applied its applied index
   * @param voters the voters of the configuration it uses
   */
  record Status(RaftRole role, long term, @Nullable MemberId leader, long commit, long applied,
      Set<MemberId> voters) {}

  /**
   * An acknowledged put.
   *
   * @param key the key
   * @param value the value written
   * @param index the log index of the write
   */
  record PutAck(String key, String value, long index) {}

  /**
   * An answer to a linearizable get.
   *
   * @param key the key
   * @param value its value, or null if it holds none
   * @param version its version
   */
  record GetResult(String key, @Nullable String value, long version) {}

  /** A command the member answered with {@code err}. */
  static final class CommandFailedException extends RuntimeException {
    private final String kind;

    CommandFailedException(String message, String kind) {
      super(message);
      this.kind = kind;
    }

    /** @return the simple name of the exception the member reported, e.g. {@code NotLeaderException} */
    String kind() {
      return kind;
    }
  }

  private final String name;
  private final Path log;
  private final Process process;
  private final Writer stdin;
  private final Map<String, CompletableFuture<PutAck>> puts = new ConcurrentHashMap<>();
  private final Map<String, CompletableFuture<GetResult>> gets = new ConcurrentHashMap<>();
  private final Queue<CompletableFuture<Status>> statuses = new ConcurrentLinkedQueue<>();
  private final CompletableFuture<MemberId> ready = new CompletableFuture<>();
  private final List<String> unexpected = new ArrayList<>();
  private volatile boolean outputEnded;

  private MemberProcess(String name, Path log, Process process) {
    this.name = name;
    this.log = log;
    this.process = process;
    this.stdin = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
    Thread reader = new Thread(this::readAnswers, name + "-stdout");
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * Starts a process; {@link #awaitReady} waits until it can take commands.
   *
   * @param name names the reader thread and error messages
   * @param command the command line
   * @param log the file its stderr is appended to (a restart appends to the same file)
   * @return the starting process
   */
  static MemberProcess start(String name, List<String> command, Path log) {
    try {
      return new MemberProcess(name, log,
          new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile())).start());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name, e);
    }
  }

  /**
   * Waits for the process's {@code ready} line; kills it if none comes in time.
   *
   * @param timeout how long starting may take
   * @return the member id the process announced
   */
  MemberId awaitReady(Duration timeout) {
    try {
      return ready.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while " + name + " starts", e);
    } catch (ExecutionException | TimeoutException e) {
      process.destroyForcibly();
      throw new IllegalStateException(name + " did not get ready within " + timeout + "; its log is " + log, e);
    }
  }

  /** @return the process's handle, to check its state from the operating system's side */
  ProcessHandle handle() {
    return process.toHandle();
  }

  /** @return the lines that were not answers this class knows; none expected */
  synchronized List<String> unexpectedLines() {
    return List.copyOf(unexpected);
  }

  /** Sends {@code put}; the future fails with {@link CommandFailedException} on an {@code err} answer. */
  CompletableFuture<PutAck> put(String key, String value) {
    CompletableFuture<PutAck> answer = new CompletableFuture<>();
    if (puts.putIfAbsent(key, answer) != null) {
      throw new IllegalStateException("a put of " + key + " is already in flight on " + name);
    }
    // Also when the command could not even be written: the key is free for the next attempt.
    answer.whenComplete((r, e) -> puts.remove(key, answer));
    return send("put " + key + " " + value, answer);
  }

  /** Sends a linearizable {@code get}; fails like {@link #put}. */
  CompletableFuture<GetResult> get(String key) {
    CompletableFuture<GetResult> answer = new CompletableFuture<>();
    if (gets.putIfAbsent(key, answer) != null) {
      throw new IllegalStateException("a get of " + key + " is already in flight on " + name);
    }
    answer.whenComplete((r, e) -> gets.remove(key, answer));
    return send("get " + key, answer);
  }

  /** Sends {@code status}, which the member answers at once from its driver's last snapshot. */
  CompletableFuture<Status> status() {
    CompletableFuture<Status> answer = new CompletableFuture<>();
    // Queued and written under one lock, so the queue's order is the order of the commands.
    synchronized (stdin) {
      statuses.add(answer);
      return send("status", answer);
    }
  }

  private <T> CompletableFuture<T> send(String line, CompletableFuture<T> answer) {
    try {
      synchronized (stdin) {
        stdin.write(line);
        stdin.write('\n');
        stdin.flush();
      }
    } catch (IOException e) {
      answer.completeExceptionally(new IllegalStateException(name + " cannot take '" + line + "': " + e, e));
    }
    if (outputEnded) {
      // The reader may have failed the open requests before this one was registered.
      failOpenRequests();
    }
    return answer;
  }

  /**
   * Kills the process with SIGKILL (what {@link Process#destroyForcibly()} sends on Linux) and waits for it.
   *
   * @return its exit status: 137 (128 + 9) when the signal killed it
   */
  int kill() {
    process.destroyForcibly();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException(name + " still runs 30 s after SIGKILL");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while killing " + name, e);
    }
    return process.exitValue();
  }

  /** Sends SIGKILL without waiting, so that several members can be killed at nearly the same moment. */
  void destroyForcibly() {
    process.destroyForcibly();
  }

  /** Closes stdin, which stops the member cleanly, and kills it if it has not exited within 15 s. */
  @Override
  public void close() {
    try {
      synchronized (stdin) {
        stdin.close();
      }
    } catch (IOException e) {
      // Already gone; nothing to stop cleanly.
    }
    try {
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        kill();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }

  private void readAnswers() {
    try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
        StandardCharsets.UTF_8))) {
      String line;
      while ((line = out.readLine()) != null) {
        onAnswer(line);
      }
    } catch (IOException e) {
      // The pipe broke with the process; the requests fail below as at a normal end.
    } finally {
      outputEnded = true;
      ready.completeExceptionally(new IllegalStateException(name + " exited before it was ready"));
      failOpenRequests();
    }
  }

  private void onAnswer(String line) {
    String[] w = line.split(" ", 4);
    if (w[0].equals("ready") && w.length == 2) {
      ready.complete(MemberId.parse(w[1]));
    } else if (w[0].equals("status") && w.length == 4) {
      String[] s = line.split(" ");
      CompletableFuture<Status> answer = statuses.poll();
      if (answer != null) {
        Set<MemberId> voters = new HashSet<>();
        if (s.length > 6 && !s[6].equals("-")) {
          for (String id : s[6].split(",")) {
            voters.add(MemberId.parse(id));
          }
        }
        answer.complete(new Status(RaftRole.valueOf(s[1]), Long.parseLong(s[2]),
            s[3].equals("-") ? null : MemberId.parse(s[3]), Long.parseLong(s[4]), Long.parseLong(s[5]),
            Set.copyOf(voters)));
      }
    } else if (w.length >= 3 && w[1].equals("put") && (w[0].equals("ok") || w[0].equals("err"))) {
      CompletableFuture<PutAck> answer = puts.remove(w[2]);
      if (answer != null) {
        complete(answer, w, () -> {
          String[] ok = line.split(" ");
          return new PutAck(ok[2], ok[3], Long.parseLong(ok[4]));
        });
      }
    } else if (w.length >= 3 && w[1].equals("get") && (w[0].equals("ok") || w[0].equals("err"))) {
      CompletableFuture<GetResult> answer = gets.remove(w[2]);
      if (answer != null) {
        complete(answer, w, () -> {
          String[] ok = line.split(" ");
          return new GetResult(ok[2], ok[3].equals("-") ? null : ok[3], Long.parseLong(ok[4]));
        });
      }
    } else {
      synchronized (this) {
        unexpected.add(line);
      }
    }
  }

  private <T> void complete(CompletableFuture<T> answer, String[] words, Supplier<T> ok) {
    if (words[0].equals("ok")) {
      answer.complete(ok.get());
    } else {
      // words: err, command, key, "<Exception>: <message>"
      String kind = words.length > 3 ? words[3].split(":", 2)[0] : "unknown";
      answer.completeExceptionally(new CommandFailedException(name + ": " + String.join(" ", words), kind));
    }
  }

  private void failOpenRequests() {
    IllegalStateException gone = new IllegalStateException(name + " has exited");
    puts.keySet().forEach(k -> {
      CompletableFuture<PutAck> f = puts.remove(k);
      if (f != null) {
        f.completeExceptionally(gone);
      }
    });
    gets.keySet().forEach(k -> {
      CompletableFuture<GetResult> f = gets.remove(k);
      if (f != null) {
        f.completeExceptionally(gone);
      }
    });
    CompletableFuture<Status> s;
    while ((s = statuses.poll()) != null) {
      s.completeExceptionally(gone);
    }
  }
}
