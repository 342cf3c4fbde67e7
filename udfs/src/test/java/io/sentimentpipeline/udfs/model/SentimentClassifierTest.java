package io.sentimentpipeline.udfs.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The classifier on a small randomly initialised encoder: shapes, masking, gradients. */
class SentimentClassifierTest {

  private static final BertConfig TINY = new BertConfig(100, 32, 2, 4, 64, 40, 2);

  private static NDManager manager;

  @BeforeAll
  static void startEngine() {
    manager = Engine.getEngine("PyTorch").newBaseManager();
  }

  @AfterAll
  static void closeEngine() {
    manager.close();
  }

  private static SentimentClassifier classifier(NDManager models, Pooling pooling) {
    SentimentClassifier model = new SentimentClassifier(new BertEncoder(TINY), pooling, 3);
    model.initializeParameters(models);
    return model;
  }

  private static NDArray logits(SentimentClassifier model, NDManager step, long[][] ids, long[][] mask) {
    NDList inputs = new NDList(step.create(ids), step.create(mask));
    return model.forward(new ParameterStore(step, false), inputs, false).singletonOrThrow();
  }

  @ParameterizedTest
  @EnumSource(Pooling.class)
  void logitsHaveOneRowPerSequence(Pooling pooling) {
    try (NDManager models = manager.newSubManager();
        NDManager step = manager.newSubManager()) {
      SentimentClassifier model = classifier(models, pooling);
      long[][] ids = {{2, 17, 45, 3, 0, 0}, {2, 9, 9, 9, 11, 3}};
      long[][] mask = {{1, 1, 1, 1, 0, 0}, {1, 1, 1, 1, 1, 1}};
      NDArray out = logits(model, step, ids, mask);
      assertThat(out.getShape().getShape()).containsExactly(2, 3);
      assertThat(model.getOutputShapes(new ai.djl.ndarray.types.Shape[] {new ai.djl.ndarray.types.Shape(2, 6)})[0].getShape())
          .containsExactly(2, 3);
    }
  }

  @ParameterizedTest
  @EnumSource(Pooling.class)
  void extraPaddingDoesNotChangeLogits(Pooling pooling) {
    try (NDManager models = manager.newSubManager();
        NDManager step = manager.newSubManager()) {
      SentimentClassifier model = classifier(models, pooling);
      float[] unpadded = logits(model, step, new long[][] {{2, 17, 45, 8, 3}}, new long[][] {{1, 1, 1, 1, 1}}).toFloatArray();
      float[] padded =
          logits(
                  model,
                  step,
                  new long[][] {{2, 17, 45, 8, 3, 0, 0, 0, 0, 0, 0}},
                  new long[][] {{1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0}})
              .toFloatArray();
      for (int i = 0; i < unpadded.length; i++) {
        assertThat(padded[i]).isCloseTo(unpadded[i], org.assertj.core.data.Offset.offset(1e-5f));
      }
    }
  }

  @Test
  void meanPoolingAveragesOnlyUnmaskedPositions() {
    try (NDManager step = manager.newSubManager()) {
      NDArray hidden = step.create(new float[] {1, 2, 3, 4, 100, 200}, new ai.djl.ndarray.types.Shape(1, 3, 2));
      NDArray mask = step.create(new long[][] {{1, 1, 0}});
      assertThat(SentimentClassifier.pool(hidden, mask, Pooling.MEAN).toFloatArray()).containsExactly(2f, 3f);
      assertThat(SentimentClassifier.pool(hidden, mask, Pooling.CLS).toFloatArray()).containsExactly(1f, 2f);
    }
  }

  @Test
  void gradientsReachEncoderAndHead() {
    try (NDManager models = manager.newSubManager();
        NDManager step = manager.newSubManager()) {
      SentimentClassifier model = classifier(models, Pooling.MEAN);
      NDList inputs =
          new NDList(
              step.create(new long[][] {{2, 17, 45, 3}, {2, 9, 3, 0}}),
              step.create(new long[][] {{1, 1, 1, 1}, {1, 1, 1, 0}}));
      try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
        NDArray out = model.forward(new ParameterStore(step, false), inputs, true).singletonOrThrow();
        collector.backward(out.square().sum());
      }
      for (String name :
          new String[] {
            "bert.embeddings.word_embeddings.weight",
            "bert.encoder.layer.0.attention.self.query.weight",
            "bert.encoder.layer.1.output.LayerNorm.weight",
            "classifier.weight"
          }) {
        Parameter p = model.parametersByHuggingFaceName().get(name);
        assertThat(p.requiresGradient()).as(name).isTrue();
        assertThat(p.getArray().getGradient().abs().sum().getFloat()).as(name).isGreaterThan(0f);
      }
      assertThat(model.parametersByHuggingFaceName()).hasSize(2 + 5 + 2 * 16);
    }
  }
}
