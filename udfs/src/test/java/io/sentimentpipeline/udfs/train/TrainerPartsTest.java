package io.sentimentpipeline.udfs.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The trainer's small parts: batching, schedule, optimizer, class weights. */
class TrainerPartsTest {

  private static final List<TrainingExample> EXAMPLES = TrainingFixtures.separable(1000, 11);

  @Test
  void trainingBatchesCoverEveryExampleOnceAndAreReproducible() {
    List<int[]> batches = Batches.training(EXAMPLES, 8, new Random(3));
    assertThat(batches).hasSize(125);
    int[] all = batches.stream().flatMapToInt(Arrays::stream).sorted().toArray();
    assertThat(all).hasSize(1000).startsWith(0, 1, 2).endsWith(998, 999);
    assertThat(Arrays.stream(all).distinct().count()).isEqualTo(1000);
    List<int[]> again = Batches.training(EXAMPLES, 8, new Random(3));
    for (int i = 0; i < batches.size(); i++) {
      assertThat(again.get(i)).containsExactly(batches.get(i));
    }
    assertThat(Batches.training(EXAMPLES, 8, new Random(4)).get(0)).isNotEqualTo(batches.get(0));
  }

  @Test
  void lengthGroupingCutsPadding() {
    List<int[]> grouped = Batches.training(EXAMPLES, 8, new Random(3));
    List<int[]> random = new ArrayList<>();
    for (int start = 0; start < 1000; start += 8) {
      random.add(java.util.stream.IntStream.range(start, start + 8).toArray()); // data order is random
    }
    assertThat(padding(grouped)).isLessThan(padding(random) / 3);
  }

  private static long padding(List<int[]> batches) {
    long padding = 0;
    for (int[] batch : batches) {
      int max = Arrays.stream(batch).map(i -> EXAMPLES.get(i).inputIds().length).max().orElse(0);
      for (int i : batch) {
        padding += max - EXAMPLES.get(i).inputIds().length;
      }
    }
    return padding;
  }

  @Test
  void inferenceBatchesAreSortedByLength() {
    List<int[]> batches = Batches.inference(EXAMPLES.subList(0, 21), 5);
    assertThat(batches).extracting(b -> b.length).containsExactly(5, 5, 5, 5, 1);
    int previous = 0;
    for (int[] batch : batches) {
      for (int i : batch) {
        assertThat(EXAMPLES.get(i).inputIds().length).isGreaterThanOrEqualTo(previous);
        previous = EXAMPLES.get(i).inputIds().length;
      }
    }
  }

  @Test
  void collatePadsWithZeroAndMasksPadding() {
    List<TrainingExample> examples =
        List.of(
            new TrainingExample("a", new long[] {2, 10, 3}, 0),
            new TrainingExample("b", new long[] {2, 20, 41, 42, 3}, 1));
    try (NDManager manager = Engine.getEngine("PyTorch").newBaseManager()) {
      NDList batch = Batches.collate(manager, examples, new int[] {1, 0});
      assertThat(batch.get(0).getShape()).isEqualTo(new Shape(2, 5));
      assertThat(batch.get(0).toLongArray()).containsExactly(2, 20, 41, 42, 3, 2, 10, 3, 0, 0);
      assertThat(batch.get(1).toLongArray()).containsExactly(1, 1, 1, 1, 1, 1, 1, 1, 0, 0);
    }
  }

  @Test
  void scheduleWarmsUpLinearlyThenDecaysToZeroAfterTheLastStep() {
    LinearWarmupSchedule schedule = new LinearWarmupSchedule(1f, 10, 0.2f);
    assertThat(schedule.warmupSteps()).isEqualTo(2);
    float[] rates = new float[10];
    for (int step = 1; step <= 10; step++) {
      rates[step - 1] = schedule.rate(step);
    }
    assertThat(rates).containsExactly(new float[] {0.5f, 1f, 1f, 0.875f, 0.75f, 0.625f, 0.5f, 0.375f, 0.25f, 0.125f}, within(1e-6f));
    assertThat(new LinearWarmupSchedule(1f, 4, 0f).rate(1)).isEqualTo(1f);
  }

  @Test
  void classWeightsAreInverseFrequencyWithMeanOne() {
    List<TrainingExample> examples = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      examples.add(new TrainingExample("x" + i, new long[] {2, 3}, i < 4 ? 0 : i < 5 ? 1 : 2));
    }
    float[] weights = SentimentTrainer.classWeights(examples, 3);
    // counts 4, 1, 1 -> 1/4, 1, 1 normalised by their mean 0.75
    assertThat(weights).containsExactly(new float[] {1f / 3, 4f / 3, 4f / 3}, within(1e-6f));
  }

  @Test
  void adamWMatchesTheTextbookUpdateAndSkipsDecayOnBiasesAndLayerNorm() {
    try (NDManager manager = Engine.getEngine("PyTorch").newBaseManager()) {
      Map<String, Parameter> parameters = new LinkedHashMap<>();
      parameters.put("dense.weight", parameter(manager, "w", 1f, -2f));
      parameters.put("dense.bias", parameter(manager, "b", 1f, -2f));
      parameters.put("LayerNorm.weight", parameter(manager, "g", 1f, -2f));
      float lr = 0.1f;
      float decay = 0.5f;
      AdamW adam = new AdamW(parameters, decay, manager);
      float[][] gradients = {{0.5f, 0.25f}, {-1f, 2f}};
      double[][] expected = {{1, -2}, {1, -2}}; // [decayed, not decayed][element]
      double[][] m = new double[2][2];
      double[][] v = new double[2][2];
      for (int t = 1; t <= 2; t++) {
        try (NDManager step = manager.newSubManager()) {
          List<NDArray> grads = new ArrayList<>();
          for (int i = 0; i < 3; i++) {
            grads.add(step.create(gradients[t - 1]));
          }
          adam.update(grads, 1f, lr, step);
        }
        for (int kind = 0; kind < 2; kind++) {
          for (int j = 0; j < 2; j++) {
            double g = gradients[t - 1][j];
            m[kind][j] = 0.9 * m[kind][j] + 0.1 * g;
            v[kind][j] = 0.999 * v[kind][j] + 0.001 * g * g;
            double p = expected[kind][j] * (kind == 0 ? 1 - lr * decay : 1);
            double denominator = Math.sqrt(v[kind][j]) / Math.sqrt(1 - Math.pow(0.999, t)) + 1e-8;
            expected[kind][j] = p - lr / (1 - Math.pow(0.9, t)) * m[kind][j] / denominator;
          }
        }
      }
      assertThat(adam.updates()).isEqualTo(2);
      assertThat(parameters.get("dense.weight").getArray().toFloatArray())
          .containsExactly(new float[] {(float) expected[0][0], (float) expected[0][1]}, within(1e-6f));
      for (String name : List.of("dense.bias", "LayerNorm.weight")) {
        assertThat(parameters.get(name).getArray().toFloatArray())
            .as(name)
            .containsExactly(new float[] {(float) expected[1][0], (float) expected[1][1]}, within(1e-6f));
      }
      assertThat(AdamW.isDecayed("bert.embeddings.word_embeddings.weight")).isTrue();
      assertThat(AdamW.isDecayed("bert.encoder.layer.0.output.LayerNorm.weight")).isFalse();
    }
  }

  private static Parameter parameter(NDManager manager, String name, float... values) {
    Parameter parameter =
        Parameter.builder().setName(name).setType(Parameter.Type.WEIGHT).build();
    parameter.setArray(manager.create(values));
    return parameter;
  }
}
