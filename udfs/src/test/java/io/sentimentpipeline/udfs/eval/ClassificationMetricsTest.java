package io.sentimentpipeline.udfs.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class ClassificationMetricsTest {

  private static final List<String> LABELS = List.of("negative", "neutral", "positive");

  @Test
  void matchesHandComputedScores() {
    // actual:    neg neg neg neu neu pos pos pos pos
    // predicted: neg neg pos neu neg pos pos pos neu
    ClassificationMetrics metrics =
        ClassificationMetrics.of(
            LABELS, new int[] {0, 0, 0, 1, 1, 2, 2, 2, 2}, new int[] {0, 0, 2, 1, 0, 2, 2, 2, 1});

    assertThat(metrics.accuracy()).isCloseTo(6.0 / 9, within(1e-12));
    assertThat(metrics.confusion()[0]).containsExactly(2, 0, 1);
    ClassificationMetrics.ClassScores negative = metrics.perClass().get(0);
    assertThat(negative.precision()).isCloseTo(2.0 / 3, within(1e-12));
    assertThat(negative.recall()).isCloseTo(2.0 / 3, within(1e-12));
    ClassificationMetrics.ClassScores neutral = metrics.perClass().get(1);
    assertThat(neutral.f1()).isCloseTo(0.5, within(1e-12));
    ClassificationMetrics.ClassScores positive = metrics.perClass().get(2);
    assertThat(positive.precision()).isCloseTo(0.75, within(1e-12));
    assertThat(positive.f1()).isCloseTo(0.75, within(1e-12));
    assertThat(metrics.macroF1()).isCloseTo((2.0 / 3 + 0.5 + 0.75) / 3, within(1e-12));
  }

  @Test
  void binaryLabelsIgnoreAnAbsentClassInTheMacroAverage() {
    ClassificationMetrics metrics =
        ClassificationMetrics.of(LABELS, new int[] {0, 2, 2, 0}, new int[] {0, 2, 0, 0});
    assertThat(metrics.perClass().get(1).support()).isZero();
    double negativeF1 = 2 * (2.0 / 3) * 1.0 / (2.0 / 3 + 1.0);
    double positiveF1 = 2 * 1.0 * 0.5 / 1.5;
    assertThat(metrics.macroF1()).isCloseTo((negativeF1 + positiveF1) / 2, within(1e-12));
  }
}
