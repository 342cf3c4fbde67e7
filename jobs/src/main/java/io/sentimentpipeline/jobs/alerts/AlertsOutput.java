package io.sentimentpipeline.jobs.alerts;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;

/**
 * Delivery of a run's alerts beyond the Delta table: a JSON-lines file that appears whole (written
 * under a temporary name, then renamed, so a reader never sees half a file) and an optional webhook
 * POST of the same alerts as a JSON array. Spark-free; the job hands it JSON strings.
 */
public final class AlertsOutput {

  private AlertsOutput() {}

  /** What happened to the webhook call. */
  public enum WebhookOutcome {
    /** alerts.webhook.url is empty. */
    OFF,
    /** The run fired no alerts, so nothing was sent. */
    NOTHING_TO_SEND,
    /** The endpoint answered 2xx. */
    DELIVERED,
    /** Connection failure, timeout or a non-2xx answer; the alerts are still stored. */
    FAILED
  }

  /** The webhook outcome and a line a person can act on. */
  public record WebhookStatus(WebhookOutcome outcome, String detail) {
    @Override
    public String toString() {
      return outcome.name().toLowerCase(java.util.Locale.ROOT) + (detail.isEmpty() ? "" : " (" + detail + ")");
    }
  }

  /** {@code alerts-<to>.jsonl} in {@code dir}, one JSON object a line; returns its path. */
  public static Path writeJsonLines(Path dir, String fileName, Iterator<String> jsonLines) {
    try {
      Files.createDirectories(dir);
      Path target = dir.resolve(fileName);
      Path temp = Files.createTempFile(dir, "." + fileName + ".", ".tmp");
      try (BufferedWriter out = Files.newBufferedWriter(temp, StandardCharsets.UTF_8)) {
        while (jsonLines.hasNext()) {
          out.write(jsonLines.next());
          out.write('\n');
        }
      } catch (IOException | RuntimeException e) {
        Files.deleteIfExists(temp);
        throw e;
      }
      return Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot write the alerts file " + dir.resolve(fileName) + " (check alerts.output-dir is a writable folder)", e);
    }
  }

  /**
   * POSTs the JSON-lines file's objects as one JSON array. Never throws: a failure comes back as
   * {@link WebhookOutcome#FAILED} with the reason.
   */
  public static WebhookStatus post(String url, Duration timeout, Path jsonLines) {
    List<String> alerts;
    try {
      alerts = Files.readAllLines(jsonLines, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return new WebhookStatus(WebhookOutcome.FAILED, "cannot read " + jsonLines + ": " + e.getMessage());
    }
    if (alerts.isEmpty()) {
      return new WebhookStatus(WebhookOutcome.NOTHING_TO_SEND, "");
    }
    String body = "[" + String.join(",", alerts) + "]";
    try {
      HttpClient client = HttpClient.newBuilder().connectTimeout(timeout).build();
      HttpRequest request =
          HttpRequest.newBuilder(URI.create(url))
              .timeout(timeout)
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
              .build();
      HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
      int status = response.statusCode();
      if (status / 100 == 2) {
        return new WebhookStatus(WebhookOutcome.DELIVERED, alerts.size() + " alerts, HTTP " + status);
      }
      String answer = response.body() == null ? "" : response.body();
      return new WebhookStatus(
          WebhookOutcome.FAILED,
          url + " answered HTTP " + status + ": " + answer.substring(0, Math.min(200, answer.length())));
    } catch (IOException | IllegalArgumentException e) {
      String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + e.getMessage();
      return new WebhookStatus(WebhookOutcome.FAILED, "POST " + url + " failed: " + why + " (is the endpoint up and alerts.webhook.timeout long enough?)");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new WebhookStatus(WebhookOutcome.FAILED, url + ": interrupted");
    }
  }
}
