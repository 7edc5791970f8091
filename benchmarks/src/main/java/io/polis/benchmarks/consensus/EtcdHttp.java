package io.polis.benchmarks.consensus;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * etcd's v3 API through its gRPC gateway (JSON over HTTP/1.1 on the client port), with one
 * keep-alive connection pool. Only the two calls the benchmarks need, and only the fields they read:
 * the responses are a few hundred bytes, so a pattern per field does instead of a JSON library. There
 * is nothing to close: JDK 17's client has no {@code close}, its connections end with the JVM.
 */
final class EtcdHttp {

  /** One member's view, from {@code /v3/maintenance/status}. */
  record Status(String memberId, String leaderId) {

    /** etcd's raft.None: the member knows no leader. */
    static final String NO_LEADER = "0";
  }

  // The gateway writes uint64 fields as JSON strings and leaves out fields equal to zero.
  private static final Pattern MEMBER_ID = Pattern.compile("\"member_id\"\\s*:\\s*\"?(\\d+)");
  private static final Pattern LEADER = Pattern.compile("\"leader\"\\s*:\\s*\"?(\\d+)");
  private static final Base64.Encoder BASE64 = Base64.getEncoder();

  private final HttpClient http;
  private final Duration statusTimeout;

  /**
   * Creates the pool.
   *
   * @param statusTimeout bound on one status request, so that a dead member costs at most this
   */
  EtcdHttp(Duration statusTimeout) {
    // HTTP/1.1 explicitly: the default would try an h2c upgrade on every new connection.
    this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(statusTimeout).build();
    this.statusTimeout = statusTimeout;
  }

  /**
   * Asks one member for its status.
   *
   * @param clientPort the member's client port on 127.0.0.1
   * @return its id and the leader it knows, or empty if it does not answer in time
   * @throws InterruptedException if interrupted while waiting
   */
  Optional<Status> status(int clientPort) throws InterruptedException {
    HttpRequest request = post(clientPort, "/v3/maintenance/status", "{}").timeout(statusTimeout).build();
    try {
      HttpResponse<String> response = http.send(request, BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        return Optional.empty();
      }
      Matcher member = MEMBER_ID.matcher(response.body());
      if (!member.find()) {
        return Optional.empty();
      }
      Matcher leader = LEADER.matcher(response.body());
      return Optional.of(new Status(member.group(1), leader.find() ? leader.group(1) : Status.NO_LEADER));
    } catch (IOException e) {
      return Optional.empty(); // refused, reset or timed out: not answering
    }
  }

  /**
   * Writes a key and waits for etcd's acknowledgement (committed by a majority and applied).
   *
   * @param clientPort the member's client port on 127.0.0.1
   * @param key the key
   * @param value the value
   * @throws IOException if the write failed; etcd's error message is in the exception's message
   * @throws InterruptedException if interrupted while waiting
   */
  void put(int clientPort, byte[] key, byte[] value) throws IOException, InterruptedException {
    String body = "{\"key\":\"" + BASE64.encodeToString(key) + "\",\"value\":\"" + BASE64.encodeToString(value)
        + "\"}";
    HttpRequest request = post(clientPort, "/v3/kv/put", body).timeout(Duration.ofSeconds(10)).build();
    HttpResponse<String> response = http.send(request, BodyHandlers.ofString());
    // A success is {"header":{...}}; a failure has a non-200 status or an "error" field.
    if (response.statusCode() != 200 || response.body().contains("\"error\"")) {
      throw new IOException("put failed: HTTP " + response.statusCode() + " " + response.body());
    }
  }

  private static HttpRequest.Builder post(int port, String path, String json) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .header("Content-Type", "application/json")
        .POST(BodyPublishers.ofString(json, StandardCharsets.UTF_8));
  }
}
