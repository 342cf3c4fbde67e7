package io.sentimentpipeline.jobs.alerts;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

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
   * POSTs the JSON-lines file's objects as one JSON array. {@code timeout} bounds the whole
   * exchange (connect, headers and body, which is discarded), so an endpoint that trickles its
   * answer cannot hang the run. Never throws: a failure comes back as {@link
   * WebhookOutcome#FAILED} with the reason, naming the URL without credentials or query.
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
    String where = redacted(url);
    HttpRequest request;
    try {
      request =
          HttpRequest.newBuilder(URI.create(url))
              .timeout(timeout)
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
              .build();
    } catch (IllegalArgumentException e) { // its message would repeat the whole URL
      return new WebhookStatus(WebhookOutcome.FAILED, where + " is not a valid URL (check alerts.webhook.url)");
    }
    CompletableFuture<HttpResponse<Void>> exchange =
        HttpClient.newBuilder().connectTimeout(timeout).build().sendAsync(request, HttpResponse.BodyHandlers.discarding());
    try {
      int status = exchange.get(timeout.toMillis(), TimeUnit.MILLISECONDS).statusCode();
      return status / 100 == 2
          ? new WebhookStatus(WebhookOutcome.DELIVERED, alerts.size() + " alerts, HTTP " + status)
          : new WebhookStatus(WebhookOutcome.FAILED, where + " answered HTTP " + status);
    } catch (TimeoutException e) {
      exchange.cancel(true);
      return new WebhookStatus(
          WebhookOutcome.FAILED, "POST " + where + " did not complete within alerts.webhook.timeout=" + timeout.toMillis() + " ms");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      String why = cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
      return new WebhookStatus(
          WebhookOutcome.FAILED,
          "POST " + where + " failed: " + why.replace(url, where) + " (is the endpoint up and alerts.webhook.timeout long enough?)");
    } catch (InterruptedException e) {
      exchange.cancel(true);
      Thread.currentThread().interrupt();
      return new WebhookStatus(WebhookOutcome.FAILED, where + ": interrupted");
    }
  }

  /**
   * The URL as it may appear in logs: user info and query (where tokens live) replaced by {@code
   * ***}, e.g. {@code https://***@hooks.example.com/alerts?***}.
   */
  public static String redacted(String url) {
    try {
      URI uri = new URI(url);
      if (uri.getHost() == null) {
        return "(a URL that does not parse)";
      }
      return uri.getScheme() + "://" + (uri.getRawUserInfo() == null ? "" : "***@") + uri.getHost()
          + (uri.getPort() < 0 ? "" : ":" + uri.getPort()) + (uri.getRawPath() == null ? "" : uri.getRawPath())
          + (uri.getRawQuery() == null ? "" : "?***");
    } catch (URISyntaxException e) {
      return "(a URL that does not parse)";
    }
  }
}
