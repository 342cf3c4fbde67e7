package io.sentimentpipeline.jobs.alerts;

import io.sentimentpipeline.jobs.config.ConfigError;
import io.sentimentpipeline.jobs.config.Domain;
import java.time.Duration;

/**
 * Settings of {@code pipeline alerts} ({@code alerts.*}): which scores to read, the volume floor
 * and trailing baseline the rules share, each rule's thresholds, and where fired alerts go.
 * Checked once here so a bad threshold fails before Spark starts.
 *
 * @param recomputeDays `pipeline run` recomputes the days up to the run date this far back, so late
 *     documents reach their own day's alerts
 * @param modelVersion scores of this model version only; 0 = the domain's champion in {@code ml.models}
 * @param minDocuments volume floor: an entity-day with fewer documents never fires
 * @param baselineDays trailing calendar days (the day itself excluded) that form the baseline
 * @param minBaselineDays fewer baseline days with data than this: no alert (not enough history)
 * @param outputDir driver-local folder of the {@code alerts-<to>.jsonl} files
 * @param webhookUrl where the alerts are POSTed as a JSON array; empty = no webhook
 * @param attributions whether and how many driving words each top document gets
 */
public record AlertsConfig(
    Domain domain,
    int recomputeDays,
    int modelVersion,
    int minDocuments,
    int baselineDays,
    int minBaselineDays,
    RobustZ robustZ,
    Ewma ewma,
    NegativeSurge negativeSurge,
    VolumeNegative volumeNegative,
    Cusum cusum,
    int topDocuments,
    int textChars,
    String outputDir,
    String webhookUrl,
    Duration webhookTimeout,
    Attributions attributions) {

  /**
   * The words that drove each top document's negative score ({@code top_documents[].attributions}),
   * computed on the driver for the alerts' top documents only, with the scores' own model version.
   */
  public record Attributions(boolean enabled, int topWords) {
    public Attributions {
      atLeast("alerts.attributions.top-words", topWords, 1);
    }
  }

  /**
   * Surge rule on the day's negative share: z = (x - median) / max(1.4826 * MAD, madFloor) over the
   * baseline days; fires at z >= threshold, critical at z >= critical.
   */
  public record RobustZ(double threshold, double critical, double madFloor) {
    public RobustZ {
      positive("alerts.robust-z.threshold", threshold);
      positive("alerts.robust-z.mad-floor", madFloor);
      if (critical < threshold) {
        throw new ConfigError(
            "alerts.robust-z.critical", "must be at least alerts.robust-z.threshold (" + threshold + "), got " + critical);
      }
    }
  }

  /**
   * Slow-drift rule on the daily mean score: an EWMA (decay {@code lambda} per calendar day) over the
   * baseline window up to the day, compared with the baseline median in units of the EWMA's own
   * spread, sigma * sqrt(lambda / (2 - lambda)) with sigma = max(1.4826 * MAD, sigmaFloor). Fires
   * when the EWMA has fallen {@code limit} units below the median; critical at {@code critical}.
   */
  public record Ewma(double lambda, double limit, double critical, double sigmaFloor) {
    public Ewma {
      if (!(lambda > 0 && lambda <= 1)) {
        throw new ConfigError("alerts.ewma.lambda", "must be in (0, 1], got " + lambda);
      }
      positive("alerts.ewma.limit", limit);
      positive("alerts.ewma.sigma-floor", sigmaFloor);
      if (critical < limit) {
        throw new ConfigError("alerts.ewma.critical", "must be at least alerts.ewma.limit (" + limit + "), got " + critical);
      }
    }

    /** How many baseline sigmas one EWMA sigma is (the asymptotic EWMA control-chart factor). */
    public double spreadFactor() {
      return Math.sqrt(lambda / (2 - lambda));
    }
  }

  /**
   * Surge of negative <em>stories</em> (distinct fingerprints of the documents labelled negative):
   * robust z of the day's count against the baseline days zero-filled from the entity's first day
   * seen, z = (x - median) / max(1.4826 * MAD, madFloor), madFloor in stories. Off: statistics are
   * still stored, nothing fires.
   */
  public record NegativeSurge(boolean enabled, double threshold, double critical, double madFloor) {
    public NegativeSurge {
      positive("alerts.negative-surge.threshold", threshold);
      positive("alerts.negative-surge.mad-floor", madFloor);
      atLeastThreshold("alerts.negative-surge", threshold, critical);
    }
  }

  /**
   * Volume surge with negative sentiment: robust z of the day's document count (zero-filled as for
   * {@link NegativeSurge}, madFloor in documents) at {@code threshold} or more, and the day's mean
   * score below the baseline median by more than {@code scoreZ} robust sigmas (0: merely below).
   */
  public record VolumeNegative(boolean enabled, double threshold, double critical, double madFloor, double scoreZ) {
    public VolumeNegative {
      positive("alerts.volume-negative.threshold", threshold);
      positive("alerts.volume-negative.mad-floor", madFloor);
      atLeastThreshold("alerts.volume-negative", threshold, critical);
      if (!(scoreZ >= 0)) {
        throw new ConfigError("alerts.volume-negative.score-z", "must be 0 or more, got " + scoreZ);
      }
    }
  }

  /**
   * One-sided (downward) CUSUM on the daily mean score in robust sigmas, sigma = max(1.4826 * MAD,
   * sigmaFloor): S = max(0, S - z - k) over the days with documents of the window; fires at S >=
   * h (critical at {@code critical}), then restarts from 0.
   */
  public record Cusum(boolean enabled, double k, double h, double critical, double sigmaFloor) {
    public Cusum {
      if (!(k >= 0)) {
        throw new ConfigError("alerts.cusum.k", "must be 0 or more, got " + k);
      }
      positive("alerts.cusum.h", h);
      positive("alerts.cusum.sigma-floor", sigmaFloor);
      if (critical < h) {
        throw new ConfigError("alerts.cusum.critical", "must be at least alerts.cusum.h (" + h + "), got " + critical);
      }
    }
  }

  public AlertsConfig {
    atLeast("alerts.recompute-days", recomputeDays, 1);
    atLeast("alerts.model-version", modelVersion, 0);
    atLeast("alerts.min-documents", minDocuments, 1);
    atLeast("alerts.baseline-days", baselineDays, 2);
    atLeast("alerts.min-baseline-days", minBaselineDays, 1);
    if (minBaselineDays > baselineDays) {
      throw new ConfigError(
          "alerts.min-baseline-days", "must be at most alerts.baseline-days (" + baselineDays + "), got " + minBaselineDays);
    }
    atLeast("alerts.top-documents", topDocuments, 1);
    atLeast("alerts.text-chars", textChars, 20);
    if (outputDir.isBlank()) {
      throw new ConfigError("alerts.output-dir", "must name a folder for the JSON-lines files");
    }
    if (!webhookUrl.isEmpty() && !webhookUrl.matches("https?://.+")) {
      throw new ConfigError("alerts.webhook.url", "must be an http(s) URL or \"\" (off), got '" + AlertsOutput.redacted(webhookUrl) + "'");
    }
    if (webhookTimeout.isNegative() || webhookTimeout.isZero()) {
      throw new ConfigError("alerts.webhook.timeout", "must be positive, e.g. 10s, got " + webhookTimeout);
    }
  }

  public boolean webhookEnabled() {
    return !webhookUrl.isEmpty();
  }

  private static void atLeast(String key, int value, int min) {
    if (value < min) {
      throw new ConfigError(key, "must be at least " + min + ", got " + value);
    }
  }

  private static void atLeastThreshold(String rule, double threshold, double critical) {
    if (critical < threshold) {
      throw new ConfigError(rule + ".critical", "must be at least " + rule + ".threshold (" + threshold + "), got " + critical);
    }
  }

  private static void positive(String key, double value) {
    if (!(value > 0)) {
      throw new ConfigError(key, "must be greater than 0, got " + value);
    }
  }

  /** This configuration for another domain (the CLI's {@code --domain}). */
  public AlertsConfig withDomain(Domain other) {
    return new AlertsConfig(other, recomputeDays, modelVersion, minDocuments, baselineDays, minBaselineDays, robustZ, ewma,
        negativeSurge, volumeNegative, cusum, topDocuments, textChars, outputDir, webhookUrl, webhookTimeout, attributions);
  }
}
