package io.sentimentpipeline.jobs.registry;

import java.util.Locale;
import java.util.OptionalDouble;

/**
 * Whether a newly trained model becomes its domain's champion: only if its validation macro-F1
 * beats both the current champion and the TF-IDF baseline by more than {@code margin}.
 */
public record Promotion(
    boolean promoted, double candidate, OptionalDouble champion, double baseline, double margin, String reason) {

  public static Promotion decide(double candidate, OptionalDouble champion, double baseline, double margin) {
    double bar = Math.max(baseline, champion.orElse(Double.NEGATIVE_INFINITY)) + margin;
    boolean promoted = candidate > bar;
    String against =
        champion.isPresent()
            ? String.format(Locale.ROOT, "champion %.4f and baseline %.4f", champion.getAsDouble(), baseline)
            : String.format(Locale.ROOT, "baseline %.4f (no champion yet)", baseline);
    String reason =
        String.format(
            Locale.ROOT,
            "validation macro-F1 %.4f %s %.4f = best of %s + margin %.4f",
            candidate, promoted ? ">" : "<=", bar, against, margin);
    return new Promotion(promoted, candidate, champion, baseline, margin, (promoted ? "promoted: " : "not promoted: ") + reason);
  }
}
