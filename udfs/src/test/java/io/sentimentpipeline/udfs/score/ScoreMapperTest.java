package io.sentimentpipeline.udfs.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class ScoreMapperTest {

  private static final List<String> BINARY = List.of("negative", "positive");
  private static final List<String> TERNARY = List.of("negative", "neutral", "positive");

  @Test
  void threeClassModelsReportAllProbabilities() {
    SentimentScore score = new ScoreMapper(TERNARY, 0).map(new float[] {0.2f, 0.5f, 0.3f});
    assertThat(score.label()).isEqualTo("neutral");
    assertThat(score.pNegative()).isCloseTo(0.2, within(1e-6));
    assertThat(score.pNeutral()).isCloseTo(0.5, within(1e-6));
    assertThat(score.pPositive()).isCloseTo(0.3, within(1e-6));
    assertThat(score.score()).isCloseTo(0.1, within(1e-6));
    assertThat(score.confidence()).isCloseTo(0.5, within(1e-6));
  }

  @Test
  void labelsAreFoundByNameNotPosition() {
    SentimentScore score =
        new ScoreMapper(List.of("positive", "negative", "neutral"), 0).map(new float[] {0.1f, 0.8f, 0.1f});
    assertThat(score.label()).isEqualTo("negative");
    assertThat(score.pNegative()).isCloseTo(0.8, within(1e-6));
    assertThat(score.score()).isCloseTo(-0.7, within(1e-6));
    assertThat(new ScoreMapper(List.of("positive", "negative"), 0).negativeIndex()).isEqualTo(1);
  }

  @Test
  void binaryModelsHaveNoNeutralProbability() {
    SentimentScore score = new ScoreMapper(BINARY, 0).map(new float[] {0.45f, 0.55f});
    assertThat(score.label()).isEqualTo("positive");
    assertThat(score.pNeutral()).isNull();
    assertThat(score.score()).isCloseTo(0.1, within(1e-6));
    assertThat(score.confidence()).isCloseTo(0.55, within(1e-6));
    assertThat(new ScoreMapper(BINARY, 0).map(new float[] {1f, 0f}).score()).isEqualTo(-1.0);
  }

  @Test
  void binaryNeutralBandCallsNearTiesNeutral() {
    ScoreMapper banded = new ScoreMapper(BINARY, 0.2);
    assertThat(banded.map(new float[] {0.45f, 0.55f}).label()).as("|score| 0.1 < 0.2").isEqualTo("neutral");
    assertThat(banded.map(new float[] {0.55f, 0.45f}).label()).isEqualTo("neutral");
    assertThat(banded.map(new float[] {0.35f, 0.65f}).label()).as("|score| 0.3").isEqualTo("positive");
    assertThat(banded.map(new float[] {0.9f, 0.1f}).label()).isEqualTo("negative");
    assertThat(banded.map(new float[] {0.45f, 0.55f}).pNeutral()).as("still no neutral output").isNull();
  }

  @Test
  void threeClassModelsIgnoreTheBand() {
    assertThat(new ScoreMapper(TERNARY, 0.5).map(new float[] {0.3f, 0.2f, 0.5f}).label())
        .as("score 0.2 is inside the band, but the model's own classes decide").isEqualTo("positive");
  }

  @Test
  void badLabelsAndBandsAreRejected() {
    assertThatThrownBy(() -> new ScoreMapper(List.of("bad", "good"), 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expected [negative, positive] or [negative, neutral, positive]");
    assertThatThrownBy(() -> new ScoreMapper(BINARY, 1.0)).hasMessageContaining("neutral band must be in [0, 1)");
    assertThatThrownBy(() -> new ScoreMapper(BINARY, 0).map(new float[] {1f, 0f, 0f}))
        .hasMessageContaining("3 probabilities for 2 labels");
  }
}
