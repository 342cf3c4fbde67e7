package io.sentimentpipeline.udfs.score;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How the probability vectors of a document's {@link DocumentChunks chunks} become the document's
 * one vector. A plain mean lets a short tail window weigh as much as a full one; length weighting
 * counts every content token once (near enough, given the overlap); most-negative serves alerting,
 * where one strongly negative passage in a long, otherwise neutral article is what matters.
 */
public enum ChunkAggregation {
  /** The unweighted mean of the chunks' vectors. */
  MEAN("mean"),
  /** The mean weighted by each chunk's content length. */
  LENGTH_WEIGHTED("length-weighted"),
  /** The vector of the chunk with the highest p(negative) (the first such chunk on ties). */
  MOST_NEGATIVE("most-negative");

  private final String configName;

  ChunkAggregation(String configName) {
    this.configName = configName;
  }

  /** The name used in configuration files. */
  public String configName() {
    return configName;
  }

  /** Parses a configuration value such as {@code "length-weighted"} (case-insensitive). */
  public static ChunkAggregation parse(String value) {
    for (ChunkAggregation aggregation : values()) {
      if (aggregation.configName.equals(value == null ? null : value.trim().toLowerCase(Locale.ROOT))) {
        return aggregation;
      }
    }
    throw new IllegalArgumentException(
        "unknown chunk aggregation '" + value + "'; allowed: "
            + Arrays.stream(values()).map(ChunkAggregation::configName).collect(Collectors.joining(", ")));
  }

  /**
   * Combines the chunks' probability vectors into one.
   *
   * @param probabilities one vector per chunk, all of the same width
   * @param contentLengths each chunk's content length (used by {@link #LENGTH_WEIGHTED})
   * @param negativeIndex index of the negative class (used by {@link #MOST_NEGATIVE})
   */
  public float[] combine(List<float[]> probabilities, int[] contentLengths, int negativeIndex) {
    if (probabilities.isEmpty()) {
      throw new IllegalArgumentException("no chunk probabilities to combine");
    }
    if (contentLengths.length != probabilities.size()) {
      throw new IllegalArgumentException(
          probabilities.size() + " chunk vectors but " + contentLengths.length + " content lengths");
    }
    int classes = probabilities.get(0).length;
    for (float[] vector : probabilities) {
      if (vector.length != classes) {
        throw new IllegalArgumentException(
            "chunk vectors differ in width: " + vector.length + " and " + classes);
      }
    }
    if (negativeIndex < 0 || negativeIndex >= classes) {
      throw new IllegalArgumentException(
          "negativeIndex " + negativeIndex + " is outside 0.." + (classes - 1));
    }
    return switch (this) {
      case MEAN -> weightedMean(probabilities, null);
      case LENGTH_WEIGHTED -> weightedMean(probabilities, contentLengths);
      case MOST_NEGATIVE -> {
        float[] worst = probabilities.get(0);
        for (float[] vector : probabilities) {
          if (vector[negativeIndex] > worst[negativeIndex]) {
            worst = vector;
          }
        }
        yield worst.clone();
      }
    };
  }

  private static float[] weightedMean(List<float[]> probabilities, int[] weights) {
    int classes = probabilities.get(0).length;
    double[] sum = new double[classes];
    double total = 0;
    for (int i = 0; i < probabilities.size(); i++) {
      // an empty chunk (a document with no content) still counts, with weight 1
      double weight = weights == null ? 1 : Math.max(1, weights[i]);
      total += weight;
      for (int c = 0; c < classes; c++) {
        sum[c] += weight * probabilities.get(i)[c];
      }
    }
    float[] out = new float[classes];
    for (int c = 0; c < classes; c++) {
      out[c] = (float) (sum[c] / total);
    }
    return out;
  }
}
