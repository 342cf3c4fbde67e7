package io.sentimentpipeline.udfs.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TemperatureScalingTest {

  /** Logits z whose softmax is the true class distribution, and labels drawn from it. */
  private record Data(float[][] logits, int[] labels) {
    Data scaled(float factor) {
      float[][] out = new float[logits.length][];
      for (int i = 0; i < logits.length; i++) {
        out[i] = logits[i].clone();
        for (int c = 0; c < out[i].length; c++) {
          out[i][c] *= factor;
        }
      }
      return new Data(out, labels);
    }
  }

  private static Data calibrated(int rows, int classes, long seed) {
    Random random = new Random(seed);
    float[][] logits = new float[rows][classes];
    int[] labels = new int[rows];
    for (int i = 0; i < rows; i++) {
      for (int c = 0; c < classes; c++) {
        logits[i][c] = (float) (2 * random.nextGaussian());
      }
      float[] p = TemperatureScaling.probabilities(logits[i], 1);
      double u = random.nextDouble();
      int label = 0;
      for (double cumulative = p[0]; u > cumulative && label < classes - 1; ) {
        cumulative += p[++label];
      }
      labels[i] = label;
    }
    return new Data(logits, labels);
  }

  @Test
  void overConfidentLogitsGetATemperatureAboveOneThatLowersTheLoss() {
    Data overConfident = calibrated(4000, 3, 1).scaled(3f);
    double t = TemperatureScaling.fit(overConfident.logits, overConfident.labels);
    assertThat(t).as("fitted T for logits 3x too sharp").isGreaterThan(2.4).isLessThan(3.6);
    assertThat(TemperatureScaling.meanNegativeLogLikelihood(overConfident.logits, overConfident.labels, t))
        .as("NLL at the fitted T vs T=1")
        .isLessThan(TemperatureScaling.meanNegativeLogLikelihood(overConfident.logits, overConfident.labels, 1));
  }

  @Test
  void underConfidentLogitsGetATemperatureBelowOne() {
    Data underConfident = calibrated(4000, 2, 2).scaled(0.4f);
    double t = TemperatureScaling.fit(underConfident.logits, underConfident.labels);
    assertThat(t).as("fitted T for logits 2.5x too flat").isGreaterThan(0.3).isLessThan(0.5);
  }

  @Test
  void calibratedLogitsKeepATemperatureNearOneAndTheFitIsAMinimum() {
    Data data = calibrated(4000, 3, 3);
    double t = TemperatureScaling.fit(data.logits, data.labels);
    assertThat(t).isCloseTo(1.0, within(0.1));
    double best = TemperatureScaling.meanNegativeLogLikelihood(data.logits, data.labels, t);
    for (double other : new double[] {t * 0.9, t * 1.1, 0.05, 20}) {
      assertThat(TemperatureScaling.meanNegativeLogLikelihood(data.logits, data.labels, other))
          .as("NLL at T=%s", other)
          .isGreaterThan(best);
    }
  }

  @Test
  void theFitDoesNotDependOnRowOrder() {
    Data data = calibrated(1000, 3, 4).scaled(2f);
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < data.labels.length; i++) {
      order.add(i);
    }
    Collections.shuffle(order, new Random(5));
    float[][] logits = new float[order.size()][];
    int[] labels = new int[order.size()];
    for (int i = 0; i < order.size(); i++) {
      logits[i] = data.logits[order.get(i)];
      labels[i] = data.labels[order.get(i)];
    }
    // the loss is flat at its minimum, so summation order moves the argmin by ~sqrt(1e-16)
    assertThat(TemperatureScaling.fit(logits, labels))
        .isCloseTo(TemperatureScaling.fit(data.logits, data.labels), within(1e-6));
  }

  @Test
  void probabilitiesDivideTheLogitsByTheTemperature() {
    float[] logits = {2f, 0f, -1f};
    float[] sharp = TemperatureScaling.probabilities(logits, 1);
    float[] flat = TemperatureScaling.probabilities(logits, 2);
    float[] half = TemperatureScaling.probabilities(new float[] {1f, 0f, -0.5f}, 1);
    assertThat(flat).containsExactly(half, within(1e-7f));
    assertThat(flat[0]).isLessThan(sharp[0]);
    assertThat(flat[0] + flat[1] + flat[2]).isCloseTo(1f, within(1e-6f));
    assertThat(TemperatureScaling.probabilities(new float[] {1000f, 0f}, 1))
        .as("no overflow")
        .containsExactly(1f, 0f);
  }

  @Test
  void badInputsAreRejectedWithAReason() {
    assertThatThrownBy(() -> TemperatureScaling.fit(new float[0][], new int[0]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no examples");
    assertThatThrownBy(() -> TemperatureScaling.fit(new float[][] {{1, 2}}, new int[] {2}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("outside 0..1");
    assertThatThrownBy(() -> TemperatureScaling.fit(new float[][] {{1, 2}, {1}}, new int[] {0, 0}))
        .hasMessageContaining("row 1 has 1 logits");
    assertThatThrownBy(() -> TemperatureScaling.probabilities(new float[] {1, 2}, 0))
        .hasMessageContaining("temperature must be");
  }
}
