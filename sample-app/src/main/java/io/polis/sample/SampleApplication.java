package io.polis.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** The Polis sample application: one cluster member per process. */
@SpringBootApplication
public class SampleApplication {

  /**
   * Starts one member.
   *
   * @param args Spring Boot command-line arguments, e.g. {@code --polis.port=7801}
   */
  public static void main(String[] args) {
    SpringApplication.run(SampleApplication.class, args);
  }
}
