package io.sentimentpipeline.udfs.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.sentimentpipeline.udfs.model.Pooling;
import io.sentimentpipeline.udfs.model.SentimentClassifier;
import io.sentimentpipeline.udfs.train.SentimentTrainer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A bundle loaded for scoring gives what the trained classifier gave, on real DJL PyTorch. */
class ScoringModelTest {

  private static final List<String> TERNARY = List.of("negative", "neutral", "positive");
  private static final List<String> BINARY = List.of("negative", "positive");
  private static final List<long[]> INPUTS = ScoringFixtures.sequences(40, 7);

  @Test
  void probabilitiesMatchTheTrainerOnTheSameModelForBothPoolings() throws Exception {
    for (Pooling pooling : Pooling.values()) {
      try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
        SentimentClassifier classifier = ScoringFixtures.classifier(manager, 11, pooling, 3);
        float[][] expected =
            SentimentTrainer.predictProbabilities(classifier, ScoringFixtures.examples(INPUTS), 8);
        try (ScoringModel model =
            ScoringModel.load(ScoringFixtures.bundle(classifier, TERNARY, null), "abc", Device.cpu(), 2)) {
          assertThat(model.labels()).isEqualTo(TERNARY);
          assertThat(model.temperature()).isEqualTo(1.0);
          assertThat(model.maxLength()).isEqualTo(ScoringFixtures.MAX_LENGTH);
          assertThat(model.pooling()).isEqualTo(pooling);
          float[][] actual = model.probabilities(INPUTS, 8);
          for (int i = 0; i < INPUTS.size(); i++) {
            assertThat(actual[i]).as("%s pooling, sequence %d", pooling, i).containsExactly(expected[i], within(1e-5f));
          }
        }
      }
    }
  }

  @Test
  void theCalibrationTemperatureIsApplied() throws Exception {
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      SentimentClassifier classifier = ScoringFixtures.classifier(manager, 12, Pooling.CLS, 2);
      float[][] plain;
      try (ScoringModel model =
          ScoringModel.load(ScoringFixtures.bundle(classifier, BINARY, null), "t1", Device.cpu(), 1)) {
        plain = model.probabilities(INPUTS, 16);
      }
      try (ScoringModel model =
          ScoringModel.load(ScoringFixtures.bundle(classifier, BINARY, 2.5), "t2", Device.cpu(), 1)) {
        assertThat(model.temperature()).isEqualTo(2.5);
        float[][] scaled = model.probabilities(INPUTS, 16);
        for (int i = 0; i < INPUTS.size(); i++) {
          // log p differs from the logits by a constant per row, which softmax ignores
          float[] logProbabilities = {(float) Math.log(plain[i][0]), (float) Math.log(plain[i][1])};
          assertThat(scaled[i])
              .as("sequence %d", i)
              .containsExactly(TemperatureScaling.probabilities(logProbabilities, 2.5), within(1e-5f));
        }
      }
    }
  }

  @Test
  void resultsDoNotDependOnTheBatchSize() throws Exception {
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      SentimentClassifier classifier = ScoringFixtures.classifier(manager, 13, Pooling.MEAN, 3);
      try (ScoringModel model =
          ScoringModel.load(ScoringFixtures.bundle(classifier, TERNARY, 1.7), "b", Device.cpu(), 1)) {
        float[][] one = model.probabilities(INPUTS, 1);
        for (int batchSize : new int[] {3, 16, 64}) {
          float[][] batched = model.probabilities(INPUTS, batchSize);
          for (int i = 0; i < INPUTS.size(); i++) {
            assertThat(batched[i]).as("batch size %d, sequence %d", batchSize, i).containsExactly(one[i], within(1e-5f));
          }
        }
        assertThat(model.probabilities(List.of(), 4)).isEmpty();
      }
    }
  }

  @Test
  void badBundlesAndInputsFailWithAReason() throws Exception {
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      SentimentClassifier classifier = ScoringFixtures.classifier(manager, 14, Pooling.CLS, 2);
      Map<String, byte[]> bundle = ScoringFixtures.bundle(classifier, BINARY, null);

      Map<String, byte[]> noLabels = new HashMap<>(bundle);
      noLabels.remove(ScoringModel.LABELS);
      assertThatThrownBy(() -> ScoringModel.load(noLabels, "x1", Device.cpu(), 1))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("model bundle x1 has no labels.json");

      Map<String, byte[]> wrongLabels = new HashMap<>(bundle);
      wrongLabels.put(ScoringModel.LABELS, "[\"negative\",\"neutral\",\"positive\"]".getBytes());
      assertThatThrownBy(() -> ScoringModel.load(wrongLabels, "x2", Device.cpu(), 1))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("classifier.weight")
          .hasMessageContaining("does labels.json match the model?");

      Map<String, byte[]> badCalibration = new HashMap<>(bundle);
      badCalibration.put(ScoringModel.CALIBRATION, "{\"temperature\": 0}".getBytes());
      assertThatThrownBy(() -> ScoringModel.load(badCalibration, "x3", Device.cpu(), 1))
          .hasMessageContaining("calibration.json of model bundle x3 needs a finite \"temperature\" > 0");

      try (ScoringModel model = ScoringModel.load(bundle, "ok", Device.cpu(), 1)) {
        long[] tooLong = new long[ScoringFixtures.MAX_LENGTH + 1];
        assertThatThrownBy(() -> model.probabilities(List.of(tooLong), 4))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("sequence 0 has 49 ids; the model takes 1..48");
      }
    }
  }
}
