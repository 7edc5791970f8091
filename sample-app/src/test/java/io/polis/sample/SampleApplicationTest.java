package io.polis.sample;

import static org.assertj.core.api.Assertions.assertThat;

import io.polis.transport.Transport;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

@SpringBootTest(properties = "polis.port=0")
class SampleApplicationTest {

  @Autowired
  Transport transport;

  @Test
  void startsAsAClusterMemberListeningOnLoopback() {
    assertThat(transport.localAddress().host()).isEqualTo("127.0.0.1");
    assertThat(transport.localAddress().port()).isPositive();
  }
}
