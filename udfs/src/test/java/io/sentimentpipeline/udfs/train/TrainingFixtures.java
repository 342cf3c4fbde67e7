package io.sentimentpipeline.udfs.train;

import ai.djl.ndarray.NDManager;
import io.sentimentpipeline.udfs.model.BertConfig;
import io.sentimentpipeline.udfs.model.BertEncoder;
import io.sentimentpipeline.udfs.model.Pooling;
import io.sentimentpipeline.udfs.model.SentimentClassifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** A tiny random encoder and synthetic, separable data for the trainer tests. */
final class TrainingFixtures {

  static final BertConfig TINY = new BertConfig(64, 32, 2, 4, 64, 64, 2);
  static final List<String> LABELS = List.of("negative", "neutral", "positive");

  private TrainingFixtures() {}

  /** A classifier whose random initialisation is fixed by {@code initSeed}. */
  static SentimentClassifier model(NDManager manager, long initSeed, float dropout) {
    SentimentTrainer.seedEngine(initSeed);
    SentimentClassifier model =
        new SentimentClassifier(new BertEncoder(TINY, dropout), Pooling.MEAN, LABELS.size(), dropout);
    model.initializeParameters(manager);
    return model;
  }

  /**
   * {@code count} sequences [CLS] … [SEP] of length 6–24 whose class is told by one marker token (10,
   * 20 or 30) among random filler tokens 40–63.
   */
  static List<TrainingExample> separable(int count, long seed) {
    Random random = new Random(seed);
    List<TrainingExample> examples = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int label = random.nextInt(3);
      int length = 6 + random.nextInt(19);
      long[] ids = new long[length];
      ids[0] = 2;
      ids[length - 1] = 3;
      for (int t = 1; t < length - 1; t++) {
        ids[t] = 40 + random.nextInt(24);
      }
      ids[1 + random.nextInt(length - 2)] = 10L * (label + 1);
      examples.add(new TrainingExample("doc-" + seed + "-" + i, ids, label));
    }
    return examples;
  }

  /** The same documents with labels drawn at random: nothing to learn. */
  static List<TrainingExample> shuffledLabels(List<TrainingExample> examples, long seed) {
    Random random = new Random(seed);
    List<TrainingExample> out = new ArrayList<>();
    for (TrainingExample example : examples) {
      out.add(new TrainingExample(example.docId(), example.inputIds(), random.nextInt(3)));
    }
    return out;
  }

  static TrainerConfig config(int epochs, int batchSize, int accumulation, float learningRate) {
    return new TrainerConfig(
        epochs, batchSize, accumulation, learningRate, 0.01f, 0.1f, 1.0f, false, 10, 42L, 0L,
        Pooling.MEAN, 0.1f, 1);
  }
}
