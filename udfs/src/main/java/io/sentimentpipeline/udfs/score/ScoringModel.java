package io.sentimentpipeline.udfs.score;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.translate.TranslateException;
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
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A fine-tuned classifier loaded from a model bundle's files, ready to score. Several Spark task
 * threads of an executor share one instance (see {@link ExecutorModelCache}): the weights are
 * loaded once. The bundle's {@link BundleSpec} says how to run it; {@link ScoringOptions#choose}
 * picks ONNX Runtime (one thread-safe session, int8 or fp32 graph; with int8, an fp32 session too
 * for the near-ties, see {@link MarginRecheckBackend}) or PyTorch (a fixed pool of DJL predictors: a
 * predictor is not thread-safe, the model is).
 *
 * <p>Scoring groups inputs by length to cut padding. On PyTorch it runs with dropout and autograd
 * off and frees each batch's tensors with the predictor's per-call manager; on ONNX Runtime each
 * task thread pads into its own reused direct buffers. Probabilities are softmax(logits / T), with
 * T from the bundle (1 when it has none); the ONNX graphs hold T and the softmax themselves.
 */
public final class ScoringModel implements AutoCloseable {

  public static final String WEIGHTS = BundleSpec.WEIGHTS;
  public static final String CONFIG = BundleSpec.MODEL_CONFIG;
  public static final String LABELS = BundleSpec.LABELS;
  public static final String TRAINING_CONFIG = BundleSpec.TRAINING_CONFIG;
  public static final String CALIBRATION = BundleSpec.CALIBRATION;

  private static final Logger LOG = LoggerFactory.getLogger(ScoringModel.class);
  private static final String ENGINE = "PyTorch";

  /** Runs one padded-length-grouped batch ({@code tokenTypeIds} null for single texts); thread-safe. */
  interface Backend extends AutoCloseable {
    float[][] predict(List<long[]> batch, List<long[]> tokenTypeIds);

    @Override
    void close();
  }

  private final String bundleChecksum;
  private final Device device;
  private final BundleSpec spec;
  private final ScoringOptions.Choice choice;
  private final Backend backend;
  private final AtomicBoolean closed = new AtomicBoolean();

  private ScoringModel(String bundleChecksum, Device device, BundleSpec spec, ScoringOptions.Choice choice, Backend backend) {
    this.bundleChecksum = bundleChecksum;
    this.device = device;
    this.spec = spec;
    this.choice = choice;
    this.backend = backend;
  }

  /** Loads a bundle's classifier onto {@code device} with PyTorch ({@code predictors} batches at once). */
  public static ScoringModel load(
      Map<String, byte[]> files, String bundleChecksum, Device device, int predictors)
      throws IOException {
    return load(files, bundleChecksum, device, ScoringOptions.pytorch(predictors));
  }

  /**
   * Loads a bundle's classifier with the engine {@code options} choose for it, logging the choice
   * (and why, when it is not what was asked).
   *
   * @param files the bundle's files by name, already verified against the registry's digests by the
   *     caller; {@link BundleSpec#read} checks them against the bundle's own spec too
   * @param bundleChecksum the bundle's id (digest of its checksum file), for names and messages
   */
  public static ScoringModel load(
      Map<String, byte[]> files, String bundleChecksum, Device device, ScoringOptions options)
      throws IOException {
    String where = " of model bundle " + bundleChecksum;
    BundleSpec spec = BundleSpec.read(files, bundleChecksum);
    BertConfig config = BertConfig.fromHuggingFaceJson(BundleSpec.file(files, CONFIG, bundleChecksum), CONFIG + where);
    if (spec.maxLength() > config.maxPositions()) {
      throw new IllegalArgumentException(
          "model bundle " + bundleChecksum + ": max length " + spec.maxLength() + " exceeds the encoder's "
              + config.maxPositions() + " positions");
    }
    ScoringOptions.Choice choice = options.choose(spec, device);
    boolean recheck = options.rechecks(choice, spec);
    LOG.info("Scoring with model bundle {} on {}{}", bundleChecksum, choice,
        recheck ? String.format("; near-ties (margin < %s) rescored with %s", options.recheckMargin(), spec.onnxFp32()) : "");
    Backend backend;
    if (choice.engine() == ScoringOptions.Engine.PYTORCH) {
      backend = pytorch(files, bundleChecksum, device, spec, config, options.predictors());
    } else {
      backend = onnx(files, choice.onnxFile(), bundleChecksum, spec, options);
      if (recheck) {
        try {
          backend = new MarginRecheckBackend(backend, onnx(files, spec.onnxFp32(), bundleChecksum, spec, options), options.recheckMargin());
        } catch (RuntimeException e) {
          backend.close();
          throw e;
        }
      }
    }
    return new ScoringModel(bundleChecksum, device, spec, choice, backend);
  }

  private static Backend onnx(Map<String, byte[]> files, String file, String bundleChecksum, BundleSpec spec, ScoringOptions options) {
    return new OnnxRuntimeBackend(BundleSpec.file(files, file, bundleChecksum), file + " of model bundle " + bundleChecksum,
        options.intraOpThreads(), spec.labels().size());
  }

  private static Backend pytorch(
      Map<String, byte[]> files, String bundleChecksum, Device device, BundleSpec spec, BertConfig config, int predictors)
      throws IOException {
    String where = " of model bundle " + bundleChecksum;
    SafetensorsWeights weights = SafetensorsWeights.read(BundleSpec.file(files, WEIGHTS, bundleChecksum), WEIGHTS + where);
    Model model = Model.newInstance("sentiment-" + bundleChecksum, device, ENGINE);
    try {
      NDManager manager = model.getNDManager();
      BertEncoder encoder = EncoderImporter.build(config, weights, manager);
      SentimentClassifier classifier = new SentimentClassifier(encoder, spec.pooling(), spec.labels().size());
      classifier.initializeParameters(manager);
      loadHead(classifier, weights);
      model.setBlock(classifier);
      return new PyTorchBackend(model, device, spec.temperature(), predictors, bundleChecksum);
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
   * (0 for the text, 1 for the entity), or is null for single texts.
   */
  public float[][] probabilities(List<long[]> inputIds, List<long[]> tokenTypeIds, int batchSize) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be at least 1, got " + batchSize);
    }
    if (closed.get()) {
      throw new IllegalStateException("model of bundle " + bundleChecksum + " is closed");
    }
    if (tokenTypeIds != null && tokenTypeIds.size() != inputIds.size()) {
      throw new IllegalArgumentException(inputIds.size() + " id sequences but " + tokenTypeIds.size() + " token type sequences");
    }
    for (int i = 0; i < inputIds.size(); i++) {
      int length = inputIds.get(i).length;
      if (length < 1 || length > spec.maxLength()) {
        throw new IllegalArgumentException(
            "sequence " + i + " has " + length + " ids; the model takes 1.." + spec.maxLength()
                + " (split long documents with DocumentChunks)");
      }
      if (tokenTypeIds != null && tokenTypeIds.get(i).length != length) {
        throw new IllegalArgumentException("sequence " + i + " has " + length + " ids but " + tokenTypeIds.get(i).length + " token types");
      }
    }
    float[][] out = new float[inputIds.size()][];
    List<long[]> ids = new ArrayList<>(batchSize);
    List<long[]> types = tokenTypeIds == null ? null : new ArrayList<>(batchSize);
    for (int[] batch : Batches.inferenceIds(inputIds, batchSize)) {
      ids.clear();
      for (int i : batch) {
        ids.add(inputIds.get(i));
        if (types != null) {
          types.add(tokenTypeIds.get(i));
        }
      }
      float[][] probabilities = backend.predict(ids, types);
      if (types != null) {
        types.clear();
      }
      for (int row = 0; row < batch.length; row++) {
        out[batch[row]] = probabilities[row];
      }
    }
    return out;
  }

  public String bundleChecksum() {
    return bundleChecksum;
  }

  public Device device() {
    return device;
  }

  /** The labels in output order. */
  public List<String> labels() {
    return spec.labels();
  }

  /** The calibration temperature applied to the logits (1 = none). */
  public double temperature() {
    return spec.temperature();
  }

  /** The longest id sequence the model was trained on ([CLS] and [SEP] included). */
  public int maxLength() {
    return spec.maxLength();
  }

  public Pooling pooling() {
    return spec.pooling();
  }

  /** What the model reads: {@link BundleSpec#DOCUMENT} or {@link BundleSpec#TEXT_PAIR}. */
  public String inputKind() {
    return spec.inputKind();
  }

  /** The bundle's spec. */
  public BundleSpec spec() {
    return spec;
  }

  /** The engine and precision this model runs with, and why if not the ones asked for. */
  public ScoringOptions.Choice choice() {
    return choice;
  }

  /** Closes the session or predictors and frees the weights; later calls to {@link #probabilities} fail. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      backend.close();
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

  /** DJL PyTorch: a pool of predictors over one model. */
  private static final class PyTorchBackend implements Backend {
    private final Model model;
    private final List<Predictor<ScoringTranslator.Input, float[][]>> predictors = new ArrayList<>();
    private final BlockingQueue<Predictor<ScoringTranslator.Input, float[][]>> idle;
    private final String bundleChecksum;

    PyTorchBackend(Model model, Device device, double temperature, int count, String bundleChecksum) {
      this.model = model;
      this.bundleChecksum = bundleChecksum;
      this.idle = new ArrayBlockingQueue<>(count);
      ScoringTranslator translator = new ScoringTranslator(temperature);
      for (int i = 0; i < count; i++) {
        Predictor<ScoringTranslator.Input, float[][]> predictor = model.newPredictor(translator, device);
        predictors.add(predictor);
        idle.add(predictor);
      }
    }

    @Override
    public float[][] predict(List<long[]> batch, List<long[]> tokenTypeIds) {
      Predictor<ScoringTranslator.Input, float[][]> predictor;
      try {
        predictor = idle.take();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for a predictor", e);
      }
      boolean gradMode = GradMode.disable();
      try {
        return predictor.predict(new ScoringTranslator.Input(batch, tokenTypeIds));
      } catch (TranslateException e) {
        throw new IllegalStateException(
            "scoring a batch of " + batch.size() + " with model bundle " + bundleChecksum + " failed", e);
      } finally {
        GradMode.restore(gradMode);
        idle.add(predictor);
      }
    }

    @Override
    public void close() {
      predictors.forEach(Predictor::close);
      model.close();
    }
  }
}
