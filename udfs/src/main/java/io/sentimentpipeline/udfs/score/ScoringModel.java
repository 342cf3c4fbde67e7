package io.sentimentpipeline.udfs.score;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.translate.TranslateException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sentimentpipeline.udfs.model.BertConfig;
import io.sentimentpipeline.udfs.model.BertEncoder;
import io.sentimentpipeline.udfs.model.EncoderImporter;
import io.sentimentpipeline.udfs.model.FloatTensor;
import io.sentimentpipeline.udfs.model.Pooling;
import io.sentimentpipeline.udfs.model.SafetensorsWeights;
import io.sentimentpipeline.udfs.model.SentimentClassifier;
import io.sentimentpipeline.udfs.train.Batches;
import io.sentimentpipeline.udfs.train.GradMode;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A fine-tuned classifier loaded from a model bundle's files, ready to score on one DJL device.
 * Several Spark task threads of an executor share one instance (see {@link ExecutorModelCache}):
 * the weights are loaded once, and each batch borrows one of a fixed pool of DJL predictors
 * (a predictor is not thread-safe; the model is).
 *
 * <p>Scoring groups inputs by length to cut padding, runs with dropout and autograd off, and frees
 * each batch's tensors with the predictor's per-call manager, so memory stays flat however many
 * documents pass through. Probabilities are softmax(logits / T), with T from {@code
 * calibration.json} (1 when the bundle has none).
 */
public final class ScoringModel implements AutoCloseable {

  public static final String WEIGHTS = "model.safetensors";
  public static final String CONFIG = "config.json";
  public static final String LABELS = "labels.json";
  public static final String TRAINING_CONFIG = "training-config.json";
  public static final String CALIBRATION = "calibration.json";
  /**
   * Key of {@code training-config.json} saying what the model reads: {@code document} (one text;
   * bundles without the key) or {@code text-pair} (an entity model's text and entity).
   */
  public static final String INPUT_KIND = "input-kind";
  public static final String TEXT_PAIR = "text-pair";

  private static final String ENGINE = "PyTorch";

  private final String bundleChecksum;
  private final Device device;
  private final List<String> labels;
  private final double temperature;
  private final int maxLength;
  private final Pooling pooling;
  private final String inputKind;
  private final Model model;
  private final List<Predictor<ScoringTranslator.Input, float[][]>> predictors;
  private final BlockingQueue<Predictor<ScoringTranslator.Input, float[][]>> idle;
  private final AtomicBoolean closed = new AtomicBoolean();

  private ScoringModel(
      String bundleChecksum,
      Device device,
      List<String> labels,
      double temperature,
      int maxLength,
      Pooling pooling,
      String inputKind,
      Model model,
      int predictorCount) {
    this.inputKind = inputKind;
    this.bundleChecksum = bundleChecksum;
    this.device = device;
    this.labels = List.copyOf(labels);
    this.temperature = temperature;
    this.maxLength = maxLength;
    this.pooling = pooling;
    this.model = model;
    this.predictors = new ArrayList<>();
    this.idle = new ArrayBlockingQueue<>(predictorCount);
    ScoringTranslator translator = new ScoringTranslator(temperature);
    for (int i = 0; i < predictorCount; i++) {
      Predictor<ScoringTranslator.Input, float[][]> predictor = model.newPredictor(translator, device);
      predictors.add(predictor);
      idle.add(predictor);
    }
  }

  /**
   * Loads a bundle's classifier onto {@code device}.
   *
   * @param files the bundle's files by name, already verified against its checksums by the caller
   * @param bundleChecksum the bundle's id (digest of its checksum file), for names and messages
   * @param predictors how many batches may run at once (e.g. the executor's task slots)
   */
  public static ScoringModel load(
      Map<String, byte[]> files, String bundleChecksum, Device device, int predictors)
      throws IOException {
    if (predictors < 1) {
      throw new IllegalArgumentException("predictors must be at least 1, got " + predictors);
    }
    String where = " of model bundle " + bundleChecksum;
    ObjectMapper json = new ObjectMapper();
    List<String> labels = json.readValue(file(files, LABELS, bundleChecksum), new TypeReference<List<String>>() {});
    JsonNode training = json.readTree(file(files, TRAINING_CONFIG, bundleChecksum));
    Pooling pooling = pooling(training.path("pooling").asText(""), TRAINING_CONFIG + where);
    float dropout = (float) training.path("dropout").asDouble(BertEncoder.DEFAULT_DROPOUT);
    int maxLength = training.path("max-length").asInt(0);
    double temperature =
        files.containsKey(CALIBRATION)
            ? json.readTree(files.get(CALIBRATION)).path("temperature").asDouble(Double.NaN)
            : 1.0;
    if (!(temperature > 0) || Double.isInfinite(temperature)) {
      throw new IllegalArgumentException(
          CALIBRATION + where + " needs a finite \"temperature\" > 0, got " + temperature);
    }
    BertConfig config = BertConfig.fromHuggingFaceJson(file(files, CONFIG, bundleChecksum), CONFIG + where);
    if (maxLength < 3 || maxLength > config.maxPositions()) {
      throw new IllegalArgumentException(
          TRAINING_CONFIG + where + ": \"max-length\" must be in 3.." + config.maxPositions()
              + " (the encoder's positions), got " + training.path("max-length"));
    }
    SafetensorsWeights weights =
        SafetensorsWeights.read(file(files, WEIGHTS, bundleChecksum), WEIGHTS + where);

    Model model = Model.newInstance("sentiment-" + bundleChecksum, device, ENGINE);
    try {
      NDManager manager = model.getNDManager();
      BertEncoder encoder = EncoderImporter.build(config, weights, manager);
      SentimentClassifier classifier = new SentimentClassifier(encoder, pooling, labels.size(), dropout);
      classifier.initializeParameters(manager);
      loadHead(classifier, weights);
      model.setBlock(classifier);
      return new ScoringModel(
          bundleChecksum, device, labels, temperature, maxLength, pooling,
          training.path(INPUT_KIND).asText("document"), model, predictors);
    } catch (RuntimeException e) {
      model.close();
      throw e;
    }
  }

  /**
   * Class probabilities of each id sequence ([CLS] … [SEP], at most {@link #maxLength()} ids; split
   * longer documents with {@link DocumentChunks}), in input order. Safe to call from many threads.
   */
  public float[][] probabilities(List<long[]> inputIds, int batchSize) {
    return probabilities(inputIds, null, batchSize);
  }

  /**
   * {@link #probabilities(List, int)} of text pairs (an entity model's {@code [CLS] text [SEP]
   * entity [SEP]}, see {@code PairEncoder}): {@code tokenTypeIds} holds each sequence's token types
   * (null: single texts).
   */
  public float[][] probabilities(List<long[]> inputIds, List<long[]> tokenTypeIds, int batchSize) {
    if (tokenTypeIds != null && tokenTypeIds.size() != inputIds.size()) {
      throw new IllegalArgumentException(inputIds.size() + " id sequences but " + tokenTypeIds.size() + " token type sequences");
    }
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be at least 1, got " + batchSize);
    }
    if (closed.get()) {
      throw new IllegalStateException("model of bundle " + bundleChecksum + " is closed");
    }
    for (int i = 0; i < inputIds.size(); i++) {
      int length = inputIds.get(i).length;
      if (length < 1 || length > maxLength) {
        throw new IllegalArgumentException(
            "sequence " + i + " has " + length + " ids; the model takes 1.." + maxLength
                + " (split long documents with DocumentChunks)");
      }
    }
    float[][] out = new float[inputIds.size()][];
    boolean gradMode = GradMode.disable();
    try {
      for (int[] batch : Batches.inferenceIds(inputIds, batchSize)) {
        List<long[]> ids = new ArrayList<>(batch.length);
        List<long[]> types = tokenTypeIds == null ? null : new ArrayList<>(batch.length);
        for (int i : batch) {
          ids.add(inputIds.get(i));
          if (types != null) {
            types.add(tokenTypeIds.get(i));
          }
        }
        float[][] probabilities = predict(new ScoringTranslator.Input(ids, types));
        for (int row = 0; row < batch.length; row++) {
          out[batch[row]] = probabilities[row];
        }
      }
    } finally {
      GradMode.restore(gradMode);
    }
    return out;
  }

  private float[][] predict(ScoringTranslator.Input batch) {
    Predictor<ScoringTranslator.Input, float[][]> predictor;
    try {
      predictor = idle.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for a predictor", e);
    }
    try {
      return predictor.predict(batch);
    } catch (TranslateException e) {
      throw new IllegalStateException(
          "scoring a batch of " + batch.ids().size() + " with model bundle " + bundleChecksum + " failed", e);
    } finally {
      idle.add(predictor);
    }
  }

  public String bundleChecksum() {
    return bundleChecksum;
  }

  public Device device() {
    return device;
  }

  /** The labels in output order, from {@code labels.json}. */
  public List<String> labels() {
    return labels;
  }

  /** The calibration temperature applied to the logits (1 = none). */
  public double temperature() {
    return temperature;
  }

  /** The longest id sequence the model was trained on ([CLS] and [SEP] included). */
  public int maxLength() {
    return maxLength;
  }

  /** What the model reads: {@code document} or {@link #TEXT_PAIR} (from {@link #INPUT_KIND}). */
  public String inputKind() {
    return inputKind;
  }

  public Pooling pooling() {
    return pooling;
  }

  /** Closes the predictors and frees the weights; later calls to {@link #probabilities} fail. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      predictors.forEach(Predictor::close);
      model.close();
    }
  }

  private static byte[] file(Map<String, byte[]> files, String name, String bundleChecksum) {
    byte[] content = files.get(name);
    if (content == null) {
      throw new IllegalArgumentException(
          "model bundle " + bundleChecksum + " has no " + name + " (it has " + files.keySet().stream().sorted().toList() + ")");
    }
    return content;
  }

  private static Pooling pooling(String value, String where) {
    try {
      return Pooling.valueOf(value.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          where + ": \"pooling\" must be one of "
              + Arrays.stream(Pooling.values()).map(p -> p.name().toLowerCase(Locale.ROOT)).toList()
              + ", got '" + value + "'",
          e);
    }
  }

  /** Copies {@code classifier.weight} and {@code classifier.bias} from the bundle into the head. */
  private static void loadHead(SentimentClassifier classifier, SafetensorsWeights weights) {
    for (Map.Entry<String, Parameter> entry : classifier.parametersByHuggingFaceName().entrySet()) {
      if (!entry.getKey().startsWith("classifier.")) {
        continue; // the encoder's weights are in already
      }
      FloatTensor tensor = weights.tensor(entry.getKey());
      long[] expected = entry.getValue().getShape().getShape();
      if (!Arrays.equals(tensor.shape(), expected)) {
        throw new IllegalArgumentException(
            "tensor '" + entry.getKey() + "' in " + weights.description() + " has shape "
                + Arrays.toString(tensor.shape()) + ", the classifier needs " + Arrays.toString(expected)
                + " (does labels.json match the model?)");
      }
      entry.getValue().getArray().set(FloatBuffer.wrap(tensor.data()));
    }
  }
}
