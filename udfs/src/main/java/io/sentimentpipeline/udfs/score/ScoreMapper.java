package io.sentimentpipeline.udfs.score;

import java.util.List;
import java.util.Set;

/**
 * Turns a model's probability vector into a {@link SentimentScore}. The label order comes from the
 * bundle's {@code labels.json}, so the mapper finds the classes by name rather than by position.
 * A binary model has no neutral output; a neutral band on its score (|pPositive - pNegative| below
 * the band) lets it still call near-ties "neutral".
 */
public final class ScoreMapper {

  public static final String NEGATIVE = "negative";
  public static final String NEUTRAL = "neutral";
  public static final String POSITIVE = "positive";

  private final List<String> labels;
  private final int negative;
  private final int neutral;
  private final int positive;
  private final double neutralBand;

  /**
   * @param labels the model's labels in output order: {@code negative, positive} or {@code
   *     negative, neutral, positive}, in any order
   * @param neutralBand for binary models, |score| below which the label is "neutral" (0 = off);
   *     ignored by three-class models, which have a neutral output of their own
   */
  public ScoreMapper(List<String> labels, double neutralBand) {
    this.labels = List.copyOf(labels);
    boolean binary = Set.copyOf(labels).equals(Set.of(NEGATIVE, POSITIVE)) && labels.size() == 2;
    boolean ternary =
        Set.copyOf(labels).equals(Set.of(NEGATIVE, NEUTRAL, POSITIVE)) && labels.size() == 3;
    if (!binary && !ternary) {
      throw new IllegalArgumentException(
          "cannot map labels " + labels + " to a sentiment score: expected [negative, positive] or"
              + " [negative, neutral, positive] (any order)");
    }
    if (!(neutralBand >= 0 && neutralBand < 1)) {
      throw new IllegalArgumentException("neutral band must be in [0, 1), got " + neutralBand);
    }
    this.negative = labels.indexOf(NEGATIVE);
    this.neutral = labels.indexOf(NEUTRAL);
    this.positive = labels.indexOf(POSITIVE);
    this.neutralBand = ternary ? 0 : neutralBand;
  }

  /** The index of "negative" in the model's output, for {@link ChunkAggregation#combine}. */
  public int negativeIndex() {
    return negative;
  }

  public SentimentScore map(float[] probabilities) {
    if (probabilities.length != labels.size()) {
      throw new IllegalArgumentException(
          probabilities.length + " probabilities for " + labels.size() + " labels " + labels);
    }
    int best = 0;
    for (int c = 1; c < probabilities.length; c++) {
      if (probabilities[c] > probabilities[best]) {
        best = c;
      }
    }
    double pNegative = probabilities[negative];
    double pPositive = probabilities[positive];
    double score = Math.max(-1, Math.min(1, pPositive - pNegative));
    String label = labels.get(best);
    if (neutral < 0 && Math.abs(score) < neutralBand) {
      label = NEUTRAL;
    }
    Double pNeutral = neutral < 0 ? null : (double) probabilities[neutral];
    return new SentimentScore(label, pNegative, pNeutral, pPositive, score, probabilities[best]);
  }
}
