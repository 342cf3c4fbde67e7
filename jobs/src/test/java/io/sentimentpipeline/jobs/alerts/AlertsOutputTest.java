package io.sentimentpipeline.jobs.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The webhook POST against a real local socket: a bounded exchange, and no secrets in what it reports. */
class AlertsOutputTest {

  @TempDir Path dir;

  /**
   * Accepts one connection, reads the request, answers 200 with a long body and then sends one
   * byte of it every 200 ms, as a stuck proxy or a slow endpoint would.
   */
  private static Thread trickler(ServerSocket server) {
    Thread thread =
        new Thread(
            () -> {
              try (Socket socket = server.accept()) {
                InputStream in = socket.getInputStream();
                byte[] buffer = new byte[8192];
                in.read(buffer); // headers and (small) body: enough for the client to wait for an answer
                OutputStream out = socket.getOutputStream();
                out.write("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 100000\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                for (int i = 0; i < 100_000 && !Thread.currentThread().isInterrupted(); i++) {
                  out.write('x');
                  out.flush();
                  Thread.sleep(200);
                }
              } catch (Exception e) {
                // the client gave up: what the test wants
              }
            },
            "trickling-webhook");
    thread.setDaemon(true);
    thread.start();
    return thread;
  }

  @Test
  void anEndpointThatTricklesItsAnswerIsCutOffAtTheTimeout() throws Exception {
    Path alerts = Files.writeString(dir.resolve("alerts.jsonl"), "{\"entity\":\"NVX\"}\n");
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Thread endpoint = trickler(server);
      long started = System.nanoTime();

      AlertsOutput.WebhookStatus status =
          AlertsOutput.post("http://127.0.0.1:" + server.getLocalPort() + "/hook", Duration.ofSeconds(1), alerts);

      double seconds = (System.nanoTime() - started) / 1e9;
      endpoint.interrupt();
      assertThat(status.outcome()).as(status.toString()).isEqualTo(AlertsOutput.WebhookOutcome.FAILED);
      assertThat(status.detail()).contains("did not complete within alerts.webhook.timeout=1000 ms");
      assertThat(seconds).as("bounded by the timeout, not by the body").isLessThan(3.0);
    }
  }

  @Test
  void credentialsAndTokensInTheUrlNeverAppearInWhatIsReported() throws Exception {
    Path alerts = Files.writeString(dir.resolve("alerts.jsonl"), "{\"entity\":\"NVX\"}\n");
    PrintStream stdout = System.out;
    PrintStream stderr = System.err;
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    List<AlertsOutput.WebhookStatus> statuses;
    try (PrintStream capture = new PrintStream(printed, true, StandardCharsets.UTF_8)) {
      System.setOut(capture);
      System.setErr(capture);
      statuses =
          List.of(
              // Nothing listens on port 1: a connection failure, whose message could carry the URL.
              AlertsOutput.post("http://user:secret@127.0.0.1:1/path?token=abc", Duration.ofSeconds(2), alerts),
              AlertsOutput.post("https://user:secret@127.0.0.1:1/path?token=abc", Duration.ofSeconds(2), alerts),
              AlertsOutput.post("https://user:secret@host/pa th?token=abc", Duration.ofSeconds(2), alerts));
    } finally {
      System.setOut(stdout);
      System.setErr(stderr);
    }
    for (AlertsOutput.WebhookStatus status : statuses) {
      assertThat(status.outcome()).isEqualTo(AlertsOutput.WebhookOutcome.FAILED);
      assertThat(status.toString()).doesNotContain("secret", "abc", "user");
    }
    assertThat(statuses.get(0).detail()).contains("http://***@127.0.0.1:1/path?***");
    assertThat(printed.toString(StandardCharsets.UTF_8)).doesNotContain("secret", "abc");
    assertThat(AlertsOutput.redacted("https://user:secret@hooks.example.com/a/b?token=abc&x=1"))
        .isEqualTo("https://***@hooks.example.com/a/b?***");
  }
}
