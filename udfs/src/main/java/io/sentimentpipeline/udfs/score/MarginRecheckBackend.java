package io.sentimentpipeline.udfs.score;

import java.util.ArrayList;
import java.util.List;

/**
 * int8's speed with fp32's labels: every batch runs on the int8 graph, and the sequences whose two
 * most likely classes are closer than {@code margin} run again on the fp32 graph, whose
 * probabilities replace theirs. Quantization moves a probability by a few hundredths, so it can
 * change the label of a near-tie only; rescoring those few keeps the labels fp32's at a small cost
 * (BENCHMARKS.md, "int8: rechecking near-ties": at margin 0.1 about 5 % of sequences run twice and
 * 99.7 % of labels equal fp32's, against 98 % without). Thread-safe as both backends are.
 */
final class MarginRecheckBackend implements ScoringModel.Backend {

  private final ScoringModel.Backend fast;
  private final ScoringModel.Backend exact;
  private final double margin;

  MarginRecheckBackend(ScoringModel.Backend fast, ScoringModel.Backend exact, double margin) {
    this.fast = fast;
    this.exact = exact;
    this.margin = margin;
  }

  @Override
  public float[][] predict(List<long[]> batch, List<long[]> tokenTypeIds) {
    float[][] out = fast.predict(batch, tokenTypeIds);
    List<Integer> nearTies = new ArrayList<>();
    for (int r = 0; r < out.length; r++) {
      if (topTwoGap(out[r]) < margin) {
        nearTies.add(r);
      }
    }
    if (!nearTies.isEmpty()) {
      float[][] again = exact.predict(rows(batch, nearTies), tokenTypeIds == null ? null : rows(tokenTypeIds, nearTies));
      for (int i = 0; i < nearTies.size(); i++) {
        out[nearTies.get(i)] = again[i];
      }
    }
    return out;
  }

  /** The largest probability minus the second largest. */
  static double topTwoGap(float[] probabilities) {
    float first = Float.NEGATIVE_INFINITY;
    float second = Float.NEGATIVE_INFINITY;
    for (float p : probabilities) {
      if (p > first) {
        second = first;
        first = p;
      } else if (p > second) {
        second = p;
      }
    }
    return first - second;
  }

  private static List<long[]> rows(List<long[]> values, List<Integer> indices) {
    List<long[]> out = new ArrayList<>(indices.size());
    indices.forEach(i -> out.add(values.get(i)));
    return out;
  }

  @Override
  public void close() {
    try {
      fast.close();
    } finally {
      exact.close();
    }
  }
}
