package io.sentimentpipeline.udfs.score;

/**
 * Temperature scaling (Guo et al., 2017): one scalar T divides every logit before the softmax. A
 * fine-tuned transformer is usually over-confident; T fitted on held-out data makes its
 * probabilities mean what they say (and so the confidence and the neutral band), while the argmax
 * and thus accuracy stay exactly the same.
 *
 * <p>The mean negative log-likelihood is unimodal in log T, so a golden-section search over log T
 * within [{@value #MIN_TEMPERATURE}, {@value #MAX_TEMPERATURE}] finds the minimum without
 * derivatives or a learning rate.
 */
public final class TemperatureScaling {

  public static final double MIN_TEMPERATURE = 0.05;
  public static final double MAX_TEMPERATURE = 20.0;

  /**
   * Golden-section steps: each shrinks the interval by 0.618, so 50 leave 2e-10 of log T; a flat
   * minimum is only located to about sqrt(double precision) anyway.
   */
  private static final int ITERATIONS = 50;

  private static final double INVERSE_PHI = (Math.sqrt(5) - 1) / 2;

  private TemperatureScaling() {}

  /**
   * The temperature that minimises the mean negative log-likelihood of {@code labels} under
   * softmax(logits / T).
   *
   * @param logits one row per example, all of the same width (at least 2 classes)
   * @param labels the true class index of each row
   */
  public static double fit(float[][] logits, int[] labels) {
    check(logits, labels);
    double low = Math.log(MIN_TEMPERATURE);
    double high = Math.log(MAX_TEMPERATURE);
    double a = high - INVERSE_PHI * (high - low);
    double b = low + INVERSE_PHI * (high - low);
    double fa = meanNegativeLogLikelihood(logits, labels, Math.exp(a));
    double fb = meanNegativeLogLikelihood(logits, labels, Math.exp(b));
    for (int i = 0; i < ITERATIONS; i++) {
      if (fa <= fb) {
        high = b;
        b = a;
        fb = fa;
        a = high - INVERSE_PHI * (high - low);
        fa = meanNegativeLogLikelihood(logits, labels, Math.exp(a));
      } else {
        low = a;
        a = b;
        fa = fb;
        b = low + INVERSE_PHI * (high - low);
        fb = meanNegativeLogLikelihood(logits, labels, Math.exp(b));
      }
    }
    return Math.exp((low + high) / 2);
  }

  /** Mean of -log softmax(logits / T)[label] over the rows. */
  public static double meanNegativeLogLikelihood(float[][] logits, int[] labels, double temperature) {
    checkTemperature(temperature);
    check(logits, labels);
    double sum = 0;
    for (int i = 0; i < logits.length; i++) {
      sum += logSumExp(logits[i], temperature) - logits[i][labels[i]] / temperature;
    }
    return sum / logits.length;
  }

  /** softmax(logits / T), computed in double precision. */
  public static float[] probabilities(float[] logits, double temperature) {
    checkTemperature(temperature);
    double logNorm = logSumExp(logits, temperature);
    float[] out = new float[logits.length];
    for (int c = 0; c < logits.length; c++) {
      out[c] = (float) Math.exp(logits[c] / temperature - logNorm);
    }
    return out;
  }

  private static double logSumExp(float[] logits, double temperature) {
    double max = Double.NEGATIVE_INFINITY;
    for (float logit : logits) {
      max = Math.max(max, logit / temperature);
    }
    double sum = 0;
    for (float logit : logits) {
      sum += Math.exp(logit / temperature - max);
    }
    return max + Math.log(sum);
  }

  private static void checkTemperature(double temperature) {
    if (!(temperature > 0) || Double.isInfinite(temperature)) {
      throw new IllegalArgumentException("temperature must be a finite number > 0, got " + temperature);
    }
  }

  private static void check(float[][] logits, int[] labels) {
    if (logits.length == 0) {
      throw new IllegalArgumentException("cannot fit a temperature on no examples");
    }
    if (logits.length != labels.length) {
      throw new IllegalArgumentException(
          logits.length + " rows of logits but " + labels.length + " labels");
    }
    int classes = logits[0].length;
    if (classes < 2) {
      throw new IllegalArgumentException("need at least 2 classes, got " + classes);
    }
    for (int i = 0; i < logits.length; i++) {
      if (logits[i].length != classes) {
        throw new IllegalArgumentException(
            "row " + i + " has " + logits[i].length + " logits, row 0 has " + classes);
      }
      if (labels[i] < 0 || labels[i] >= classes) {
        throw new IllegalArgumentException(
            "label " + labels[i] + " of row " + i + " is outside 0.." + (classes - 1));
      }
    }
  }
}
