package io.polis.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import org.jspecify.annotations.Nullable;

/**
 * Reads JMH's JSON results and prints them as Markdown tables, with the ratio of each benchmark to its
 * baseline. Not a benchmark: a post-processor that {@code benchmarks/run.sh} calls, so no Python or
 * JSON library is needed.
 *
 * <p>Usage: {@code java -cp benchmarks.jar io.polis.benchmarks.Ratios results.json subject=baseline...},
 * where each name is {@code Class.method}, followed by {@code [param=value,...]} when the benchmark has
 * JMH parameters, e.g. {@code LoopbackThroughputBenchmark.rawNetty[variant=encoder]}.
 *
 * <p>The ratio's error combines the two scores' relative errors (JMH's 99.9% confidence half-widths) in
 * quadrature. That treats the two measurements as independent, which on a shared machine they are not
 * quite: read it as an order of magnitude, not as a confidence interval.
 */
public final class Ratios {

  private record Score(double score, double error, String unit, Map<String, Double> failureTotals) {}

  private Ratios() {}

  /**
   * Prints the tables.
   *
   * @param args the JSON file, then {@code subject=baseline} pairs
   * @throws IOException if the file cannot be read
   */
  public static void main(String[] args) throws IOException {
    if (args.length < 1) {
      System.err.println("usage: Ratios results.json [subject=baseline ...]");
      System.exit(2);
    }
    Object json = new JsonParser(Files.readString(Path.of(args[0]), StandardCharsets.UTF_8)).parse();
    Map<String, Score> scores = scores(json);

    System.out.println("| Benchmark | Score | Error (99.9%) | Unit | Failed sends (total) |");
    System.out.println("|---|---:|---:|---|---|");
    scores.forEach((name, s) -> System.out.printf(Locale.ROOT, "| %s | %s | %s | %s | %s |%n", name,
        number(s.score()), number(s.error()), s.unit(), failures(s.failureTotals())));

    if (args.length > 1) {
      System.out.println();
      System.out.println("| Subject / baseline | Ratio | ± (approx.) |");
      System.out.println("|---|---:|---:|");
    }
    for (int i = 1; i < args.length; i++) {
      String[] pair = args[i].split("=", 2);
      Score subject = scores.get(pair[0]);
      Score baseline = pair.length == 2 ? scores.get(pair[1]) : null;
      if (subject == null || baseline == null) {
        System.out.println("| " + args[i] + " | not run | |");
        continue;
      }
      double ratio = subject.score() / baseline.score();
      double error = ratio * Math.hypot(subject.error() / subject.score(), baseline.error() / baseline.score());
      System.out.printf(Locale.ROOT, "| %s / %s | %.3f | %s |%n", pair[0], pair[1], ratio,
          Double.isNaN(error) ? "n/a" : String.format(Locale.ROOT, "%.3f", error));
    }
  }

  private static Map<String, Score> scores(Object json) {
    Map<String, Score> scores = new LinkedHashMap<>();
    for (Object entry : (List<?>) json) {
      Map<?, ?> result = (Map<?, ?>) entry;
      String name = shortName((String) result.get("benchmark"));
      if (result.get("params") instanceof Map<?, ?> params && !params.isEmpty()) {
        StringJoiner joined = new StringJoiner(",", "[", "]");
        params.forEach((k, v) -> joined.add(k + "=" + v));
        name += joined;
      }
      Map<?, ?> primary = (Map<?, ?>) result.get("primaryMetric");
      Map<String, Double> failureTotals = new LinkedHashMap<>();
      if (result.get("secondaryMetrics") instanceof Map<?, ?> secondary) {
        secondary.forEach((metric, value) -> {
          if (metric.toString().endsWith("Failures")) {
            failureTotals.put(metric.toString(), total(((Map<?, ?>) value).get("rawData")));
          }
        });
      }
      scores.put(name, new Score(number(primary.get("score")), number(primary.get("scoreError")),
          (String) primary.get("scoreUnit"), failureTotals));
    }
    return scores;
  }

  /** "io.polis.benchmarks.CodecBenchmark.encodeData" becomes "CodecBenchmark.encodeData". */
  private static String shortName(String benchmark) {
    int method = benchmark.lastIndexOf('.');
    int type = benchmark.lastIndexOf('.', method - 1);
    return benchmark.substring(type + 1);
  }

  /** Sums an event counter over every measurement iteration of every fork. */
  private static double total(@Nullable Object rawData) {
    double sum = 0;
    if (rawData instanceof List<?> forks) {
      for (Object fork : forks) {
        for (Object iteration : (List<?>) fork) {
          sum += number(iteration);
        }
      }
    }
    return sum;
  }

  private static double number(@Nullable Object value) {
    // JMH writes NaN (an error with too few iterations) as a string.
    return value instanceof Number n ? n.doubleValue() : Double.NaN;
  }

  private static String number(double value) {
    if (Double.isNaN(value)) {
      return "n/a";
    }
    return String.format(Locale.ROOT, Math.abs(value) >= 100 ? "%,.0f" : "%.3f", value);
  }

  private static String failures(Map<String, Double> totals) {
    if (totals.isEmpty()) {
      return "";
    }
    StringJoiner joined = new StringJoiner(", ");
    totals.forEach((name, total) -> joined.add(name + " " + String.format(Locale.ROOT, "%.0f", total)));
    return joined.toString();
  }

  /** Just enough JSON for JMH's output: objects, arrays, strings, numbers, true, false, null. */
  private static final class JsonParser {

    private final String text;
    private int at;

    JsonParser(String text) {
      this.text = text;
    }

    Object parse() {
      Object value = value();
      skipSpace();
      if (at != text.length()) {
        throw error("trailing characters");
      }
      return value;
    }

    private @Nullable Object value() {
      skipSpace();
      if (at >= text.length()) {
        throw error("unexpected end");
      }
      char c = text.charAt(at);
      return switch (c) {
        case '{' -> object();
        case '[' -> array();
        case '"' -> string();
        case 't' -> literal("true", Boolean.TRUE);
        case 'f' -> literal("false", Boolean.FALSE);
        case 'n' -> literal("null", null);
        default -> number();
      };
    }

    private Map<String, @Nullable Object> object() {
      Map<String, @Nullable Object> map = new LinkedHashMap<>();
      at++;
      skipSpace();
      if (peek() == '}') {
        at++;
        return map;
      }
      while (true) {
        skipSpace();
        String key = string();
        skipSpace();
        expect(':');
        map.put(key, value());
        skipSpace();
        if (peek() == ',') {
          at++;
        } else {
          expect('}');
          return map;
        }
      }
    }

    private List<@Nullable Object> array() {
      List<@Nullable Object> list = new ArrayList<>();
      at++;
      skipSpace();
      if (peek() == ']') {
        at++;
        return list;
      }
      while (true) {
        list.add(value());
        skipSpace();
        if (peek() == ',') {
          at++;
        } else {
          expect(']');
          return list;
        }
      }
    }

    private String string() {
      expect('"');
      StringBuilder sb = new StringBuilder();
      while (peek() != '"') {
        char c = text.charAt(at++);
        if (c == '\\') {
          char escaped = text.charAt(at++);
          switch (escaped) {
            case 'n' -> sb.append('\n');
            case 't' -> sb.append('\t');
            case 'r' -> sb.append('\r');
            case 'b' -> sb.append('\b');
            case 'f' -> sb.append('\f');
            case 'u' -> {
              sb.append((char) Integer.parseInt(text.substring(at, at + 4), 16));
              at += 4;
            }
            default -> sb.append(escaped); // \" \\ \/
          }
        } else {
          sb.append(c);
        }
      }
      at++;
      return sb.toString();
    }

    private Double number() {
      int start = at;
      while (at < text.length() && "+-0123456789.eE".indexOf(text.charAt(at)) >= 0) {
        at++;
      }
      if (start == at) {
        throw error("unexpected character '" + text.charAt(at) + "'");
      }
      return Double.valueOf(text.substring(start, at));
    }

    private @Nullable Object literal(String word, @Nullable Object value) {
      if (!text.startsWith(word, at)) {
        throw error("expected " + word);
      }
      at += word.length();
      return value;
    }

    private char peek() {
      if (at >= text.length()) {
        throw error("unexpected end");
      }
      return text.charAt(at);
    }

    private void expect(char c) {
      if (peek() != c) {
        throw error("expected '" + c + "'");
      }
      at++;
    }

    private void skipSpace() {
      while (at < text.length() && Character.isWhitespace(text.charAt(at))) {
        at++;
      }
    }

    private IllegalArgumentException error(String what) {
      return new IllegalArgumentException("not JMH's JSON: " + what + " at character " + at);
    }
  }
}
