package io.sentimentpipeline.jobs.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.sentimentpipeline.udfs.model.BertEncoder;
import io.sentimentpipeline.udfs.model.EncoderImporter;
import io.sentimentpipeline.udfs.model.Pooling;
import io.sentimentpipeline.udfs.model.SafetensorsWriter;
import io.sentimentpipeline.udfs.model.SentimentClassifier;
import io.sentimentpipeline.udfs.score.BundleExport;
import io.sentimentpipeline.udfs.score.BundleSpec;
import io.sentimentpipeline.udfs.score.ScoringModel;
import io.sentimentpipeline.udfs.score.ScoringOptions;
import io.sentimentpipeline.udfs.train.ParameterSync;
import io.sentimentpipeline.udfs.train.SentimentTrainer;
import io.sentimentpipeline.udfs.train.TrainerConfig;
import io.sentimentpipeline.udfs.train.TrainingExample;
import io.sentimentpipeline.udfs.train.TrainingHistory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Speed of the model code itself on fixed-shape inputs (random token ids, {@code batch} x {@code
 * seq}), measured the way {@code shared/peers/bert_peer.py --mode infer|train} measures plain
 * PyTorch: timed windows after a warm-up, the median window reported. Inference is the forward pass
 * with the head and softmax; training is AdamW steps (lr 2e-5, weight decay 0.01, global-norm clipping
 * at 1) with dropout on. No Spark. Inference on ONNX Runtime exports the same classifier as a bundle
 * would ({@link BundleExport}) and times {@link ScoringModel#probabilities} on the int8 or fp32 graph.
 */
public final class ModelBenchmark {

  /**
   * int8 is timed without {@code score.int8-recheck-margin}: the benchmark's random head gives
   * near-uniform probabilities, so every sequence would be a near-tie and run twice. The recheck's
   * cost is measured through {@code score} with a trained model (BENCHMARKS.md).
   */
  static final double NO_RECHECK = 0;

  /** What to time. */
  public enum Mode { INFER, TRAIN }

  /** The result: one line shaped like the peer's, e.g. {@code pipeline-infer model=... docs_per_s=...}. */
  public record Result(
      Mode mode, String encoder, int batch, int seq, int threads, double perSecond, double[] windows, String engine) {
    @Override
    public String toString() {
      return String.format(
          Locale.ROOT, "pipeline-%s model=%s batch=%d seq=%d threads=%d %s=%.2f windows=%s engine=%s",
          mode.name().toLowerCase(Locale.ROOT), encoder, batch, seq, threads,
          mode == Mode.INFER ? "docs_per_s" : "samples_per_s", perSecond,
          Arrays.toString(Arrays.stream(windows).map(w -> Math.round(w * 100) / 100.0).toArray()).replace(" ", ""),
          engine);
    }
  }

  private ModelBenchmark() {}

  /** PyTorch (training, or inference through the trainer's predict path). */
  public static Result run(Mode mode, String encoderName, int batch, int seq, int threads, double seconds, int windows)
      throws IOException {
    return run(mode, encoderName, batch, seq, threads, seconds, windows, ScoringOptions.Engine.PYTORCH, ScoringOptions.Precision.FP32);
  }

  /** As above; inference with {@code engine} ONNXRUNTIME runs the exported graph of {@code precision}. */
  public static Result run(
      Mode mode, String encoderName, int batch, int seq, int threads, double seconds, int windows,
      ScoringOptions.Engine engine, ScoringOptions.Precision precision)
      throws IOException {
    boolean onnx = engine == ScoringOptions.Engine.ONNXRUNTIME;
    if (onnx && mode != Mode.INFER) {
      throw new IllegalArgumentException("ONNX Runtime only scores; use --engine pytorch with --mode train");
    }
    List<TrainingExample> examples = randomExamples(batch * 4, seq, 30522);
    double[] rates = new double[windows];
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      SentimentTrainer.seedEngine(0);
      BertEncoder encoder = EncoderImporter.load(encoderName, manager);
      SentimentClassifier model = new SentimentClassifier(encoder, Pooling.CLS, 2, 0.1f);
      model.initializeParameters(manager);
      double window = seconds / windows;
      if (onnx) {
        try (ScoringModel scoring =
            scoringModel(model, encoderName, seq, new ScoringOptions(ScoringOptions.Engine.ONNXRUNTIME, precision, 1, threads, NO_RECHECK))) {
          List<long[]> ids = examples.subList(0, batch).stream().map(TrainingExample::inputIds).toList();
          measureOnnx(scoring, ids, Math.max(1.0, window / 2)); // warm-up
          for (int w = 0; w < windows; w++) {
            rates[w] = measureOnnx(scoring, ids, window);
          }
        }
      } else {
        measure(mode, model, examples, batch, Math.max(1.0, window / 2)); // warm-up
        for (int w = 0; w < windows; w++) {
          rates[w] = measure(mode, model, examples, batch, window);
        }
      }
    }
    double[] sorted = rates.clone();
    Arrays.sort(sorted);
    return new Result(mode, encoderName, batch, seq, threads, sorted[windows / 2], rates, engineName(engine, precision));
  }

  /**
   * A classifier of the pretrained {@code encoderName} with a random two-class head, written as a
   * training run writes a bundle (with its ONNX export when {@code options} ask for ONNX Runtime)
   * and loaded by {@link ScoringModel}, as {@code score} loads a champion.
   */
  static ScoringModel scoringModel(String encoderName, int seq, ScoringOptions options) throws IOException {
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      SentimentTrainer.seedEngine(0);
      SentimentClassifier model = new SentimentClassifier(EncoderImporter.load(encoderName, manager), Pooling.CLS, 2, 0.1f);
      model.initializeParameters(manager);
      return scoringModel(model, encoderName, seq, options);
    }
  }

  private static ScoringModel scoringModel(SentimentClassifier model, String encoderName, int seq, ScoringOptions options)
      throws IOException {
    ByteArrayOutputStream weights = new ByteArrayOutputStream();
    SafetensorsWriter.write(SafetensorsWriter.snapshot(model.parametersByHuggingFaceName()), "", weights);
    Map<String, byte[]> files = new LinkedHashMap<>();
    files.put(BundleSpec.WEIGHTS, weights.toByteArray());
    Path config = Files.createTempFile("bench-config", ".json");
    try {
      model.encoder().config().writeHuggingFaceJson(config);
      files.put(BundleSpec.MODEL_CONFIG, Files.readAllBytes(config));
    } finally {
      Files.delete(config);
    }
    List<String> labels = List.of("negative", "positive");
    BundleSpec spec = new BundleSpec(encoderName, Pooling.CLS, seq, labels, 1.0, BundleSpec.DOCUMENT, null, null, "", BundleSpec.checksumsOf(files));
    if (options.engine() == ScoringOptions.Engine.ONNXRUNTIME) {
      BundleExport.Result export = BundleExport.export(files, spec, "benchmark");
      if (export.files().isEmpty()) {
        throw new IllegalArgumentException("encoder " + encoderName + " cannot be exported to ONNX: " + export.spec().onnxNote());
      }
      files.putAll(export.files());
      spec = export.spec();
    }
    files.put(BundleSpec.FILE, spec.toJson());
    return ScoringModel.load(files, "benchmark", Device.cpu(), options);
  }

  /** The engine as result lines name it: {@code djl-pytorch}, {@code onnxruntime-int8}, {@code onnxruntime-fp32}. */
  static String engineName(ScoringOptions.Engine engine, ScoringOptions.Precision precision) {
    return engine == ScoringOptions.Engine.ONNXRUNTIME
        ? "onnxruntime-" + precision.name().toLowerCase(Locale.ROOT)
        : "djl-pytorch";
  }

  private static double measureOnnx(ScoringModel model, List<long[]> batch, double seconds) {
    long start = System.nanoTime();
    long done = 0;
    while ((System.nanoTime() - start) / 1e9 < seconds) {
      model.probabilities(batch, batch.size());
      done += batch.size();
    }
    return done / ((System.nanoTime() - start) / 1e9);
  }

  /** Sequences or samples per second over at least {@code seconds}. */
  private static double measure(Mode mode, SentimentClassifier model, List<TrainingExample> examples, int batch, double seconds) {
    long start = System.nanoTime();
    long done = 0;
    while ((System.nanoTime() - start) / 1e9 < seconds) {
      if (mode == Mode.INFER) {
        SentimentTrainer.predictLogits(model, examples.subList(0, batch), batch);
        done += batch;
      } else {
        int steps = 2;
        TrainerConfig config =
            new TrainerConfig(1, batch, 1, 2e-5f, 0.01f, 0f, 1.0f, false, 1, 0, steps, Pooling.CLS, 0.1f, 1);
        TrainingHistory history =
            new SentimentTrainer(config, List.of("negative", "positive"))
                .fit(model, examples.subList(0, batch * steps), List.of(), ParameterSync.none(), null, line -> {});
        done += history.steps() * batch;
      }
    }
    return done / ((System.nanoTime() - start) / 1e9);
  }

  private static List<TrainingExample> randomExamples(int count, int seq, int vocabulary) {
    Random random = new Random(0);
    List<TrainingExample> examples = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      long[] ids = new long[seq];
      ids[0] = 101;
      for (int t = 1; t < seq - 1; t++) {
        ids[t] = 1000 + random.nextInt(vocabulary - 1000);
      }
      ids[seq - 1] = 102;
      examples.add(new TrainingExample("b" + i, ids, random.nextInt(2)));
    }
    return examples;
  }
}
