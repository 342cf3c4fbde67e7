package io.sentimentpipeline.udfs.score;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sentimentpipeline.udfs.model.BertConfig;
import io.sentimentpipeline.udfs.model.BertEncoder;
import io.sentimentpipeline.udfs.model.Pooling;
import io.sentimentpipeline.udfs.model.SafetensorsWriter;
import io.sentimentpipeline.udfs.model.SentimentClassifier;
import io.sentimentpipeline.udfs.train.SentimentTrainer;
import io.sentimentpipeline.udfs.train.TrainingExample;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** A tiny random classifier, its bundle files written in memory as the training job writes them. */
final class ScoringFixtures {

  static final BertConfig TINY = new BertConfig(64, 32, 2, 4, 64, 64, 2);
  static final int MAX_LENGTH = 48;

  private ScoringFixtures() {}

  /** A classifier whose random weights are fixed by {@code seed}, parameters in {@code manager}. */
  static SentimentClassifier classifier(NDManager manager, long seed, Pooling pooling, int numLabels) {
    SentimentTrainer.seedEngine(seed);
    SentimentClassifier model = new SentimentClassifier(new BertEncoder(TINY), pooling, numLabels, 0.1f);
    model.initializeParameters(manager);
    return model;
  }

  /** The bundle files of {@code model}; {@code temperature} null leaves calibration.json out. */
  static Map<String, byte[]> bundle(SentimentClassifier model, List<String> labels, Double temperature)
      throws IOException {
    return bundle(model, TINY, MAX_LENGTH, labels, temperature);
  }

  /** The bundle files of {@code model}, an encoder of shape {@code shape} trained at {@code maxLength}. */
  static Map<String, byte[]> bundle(
      SentimentClassifier model, BertConfig shape, int maxLength, List<String> labels, Double temperature)
      throws IOException {
    ObjectMapper json = new ObjectMapper();
    Map<String, byte[]> files = new LinkedHashMap<>();
    ByteArrayOutputStream weights = new ByteArrayOutputStream();
    SafetensorsWriter.write(SafetensorsWriter.snapshot(model.parametersByHuggingFaceName()), "", weights);
    files.put(ScoringModel.WEIGHTS, weights.toByteArray());
    Path config = Files.createTempFile("bert-config", ".json");
    try {
      shape.writeHuggingFaceJson(config);
      files.put(ScoringModel.CONFIG, Files.readAllBytes(config));
    } finally {
      Files.delete(config);
    }
    files.put("tokenizer.json", "{}".getBytes());
    files.put(ScoringModel.LABELS, json.writeValueAsBytes(labels));
    Map<String, String> training = new LinkedHashMap<>();
    training.put("pooling", model.pooling().name().toLowerCase());
    training.put("dropout", "0.1");
    training.put("max-length", Integer.toString(maxLength));
    files.put(ScoringModel.TRAINING_CONFIG, json.writeValueAsBytes(training));
    if (temperature != null) {
      files.put(ScoringModel.CALIBRATION, json.writeValueAsBytes(Map.of("temperature", temperature)));
    }
    return files;
  }

  /** {@code count} sequences [CLS]=2 … [SEP]=3 of random length 3..MAX_LENGTH. */
  static List<long[]> sequences(int count, long seed) {
    Random random = new Random(seed);
    List<long[]> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      long[] ids = new long[3 + random.nextInt(MAX_LENGTH - 2)];
      ids[0] = 2;
      for (int t = 1; t < ids.length - 1; t++) {
        ids[t] = 4 + random.nextInt(60);
      }
      ids[ids.length - 1] = 3;
      out.add(ids);
    }
    return out;
  }

  static List<TrainingExample> examples(List<long[]> sequences) {
    List<TrainingExample> out = new ArrayList<>();
    for (int i = 0; i < sequences.size(); i++) {
      out.add(new TrainingExample("doc-" + i, sequences.get(i), 0));
    }
    return out;
  }
}
