package io.sentimentpipeline.udfs.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sentimentpipeline.udfs.eval.ClassificationMetrics;
import io.sentimentpipeline.udfs.model.BertEncoder;
import io.sentimentpipeline.udfs.model.BundledEncoder;
import io.sentimentpipeline.udfs.model.EncoderImporter;
import io.sentimentpipeline.udfs.model.Pooling;
import io.sentimentpipeline.udfs.model.SafetensorsWriter;
import io.sentimentpipeline.udfs.model.SentimentClassifier;
import io.sentimentpipeline.udfs.train.ParameterSync;
import io.sentimentpipeline.udfs.train.SentimentTrainer;
import io.sentimentpipeline.udfs.train.TrainerConfig;
import io.sentimentpipeline.udfs.train.TrainingExample;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A MiniLM classifier fine-tuned briefly here, exported with {@link BundleExport} and scored by
 * real ONNX Runtime, against the same bundle scored by real DJL PyTorch.
 */
class OnnxScoringTest {

  private static final List<String> LABELS = List.of("negative", "neutral", "positive");
  private static final double TEMPERATURE = 1.7;
  private static final Map<Pooling, Map<String, byte[]>> BUNDLES = new TreeMap<>();

  @BeforeAll
  static void fineTuneAndExport() throws Exception {
    Map<String, byte[]> weights;
    byte[] config;
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      SentimentTrainer.seedEngine(5);
      BertEncoder encoder = EncoderImporter.load(BundledEncoder.ALL_MINILM_L6_V2.encoderName(), manager);
      SentimentClassifier model = new SentimentClassifier(encoder, Pooling.MEAN, LABELS.size(), 0.1f);
      model.initializeParameters(manager);
      TrainerConfig train =
          new TrainerConfig(1, 16, 1, 2e-4f, 0.01f, 0.1f, 1.0f, false, 1, 5L, 48L, Pooling.MEAN, 0.1f, 1);
      new SentimentTrainer(train, LABELS).fit(model, markerExamples(768, 1, 24), List.of(), ParameterSync.none(), null, line -> {});
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      SafetensorsWriter.write(SafetensorsWriter.snapshot(model.parametersByHuggingFaceName()), "", out);
      weights = Map.of(BundleSpec.WEIGHTS, out.toByteArray());
      Path json = Files.createTempFile("config", ".json");
      encoder.config().writeHuggingFaceJson(json);
      config = Files.readAllBytes(json);
      Files.delete(json);
    }
    // The same fine-tuned weights behind both poolings: the export must reproduce either.
    for (Pooling pooling : Pooling.values()) {
      Map<String, byte[]> files = new LinkedHashMap<>(weights);
      files.put(BundleSpec.MODEL_CONFIG, config);
      files.put(BundleSpec.LABELS, new ObjectMapper().writeValueAsBytes(LABELS));
      BundleSpec spec =
          new BundleSpec("all-minilm-l6-v2", pooling, 64, LABELS, TEMPERATURE, BundleSpec.DOCUMENT, null, null, "", BundleSpec.checksumsOf(files));
      BundleExport.Result export = BundleExport.export(files, spec, "test-" + pooling);
      files.putAll(export.files());
      files.put(BundleSpec.FILE, export.spec().toJson());
      BUNDLES.put(pooling, files);
    }
  }

  @ParameterizedTest
  @EnumSource(Pooling.class)
  void fp32OnnxMatchesPyTorchOnPaddedBatchesOfMixedLengths(Pooling pooling) throws Exception {
    List<TrainingExample> inputs = markerExamples(60, 2, 64);
    List<long[]> ids = inputs.stream().map(TrainingExample::inputIds).toList();
    float[][] pytorch;
    float[][] onnx;
    try (ScoringModel model = ScoringModel.load(BUNDLES.get(pooling), "p", Device.cpu(), options(ScoringOptions.Engine.PYTORCH, ScoringOptions.Precision.FP32))) {
      assertThat(model.choice().engine()).isEqualTo(ScoringOptions.Engine.PYTORCH);
      pytorch = model.probabilities(ids, 8);
    }
    try (ScoringModel model = ScoringModel.load(BUNDLES.get(pooling), "o", Device.cpu(), options(ScoringOptions.Engine.ONNXRUNTIME, ScoringOptions.Precision.FP32))) {
      assertThat(model.choice()).isEqualTo(new ScoringOptions.Choice(ScoringOptions.Engine.ONNXRUNTIME, ScoringOptions.Precision.FP32, BundleSpec.ONNX_FP32, ""));
      onnx = model.probabilities(ids, 8);
    }
    double maxDiff = 0;
    for (int i = 0; i < ids.size(); i++) {
      assertThat(onnx[i]).hasSize(LABELS.size());
      for (int c = 0; c < LABELS.size(); c++) {
        maxDiff = Math.max(maxDiff, Math.abs(onnx[i][c] - pytorch[i][c]));
      }
    }
    System.out.printf("onnx fp32 vs pytorch, %s pooling: max abs diff %.3g%n", pooling, maxDiff);
    assertThat(maxDiff).isLessThan(1e-4);
  }

  /**
   * int8 against fp32 on 300 generated sequences. The bar is the target's: 99% label agreement and
   * macro-F1 (against the generating labels) within 0.5 point.
   */
  @Test
  void int8AgreesWithFp32() throws Exception {
    List<TrainingExample> inputs = markerExamples(300, 3, 64);
    List<long[]> ids = inputs.stream().map(TrainingExample::inputIds).toList();
    int[] truth = inputs.stream().mapToInt(TrainingExample::label).toArray();
    int[] fp32;
    int[] int8;
    try (ScoringModel model = ScoringModel.load(BUNDLES.get(Pooling.MEAN), "f", Device.cpu(), options(ScoringOptions.Engine.ONNXRUNTIME, ScoringOptions.Precision.FP32))) {
      fp32 = argmax(model.probabilities(ids, 32));
    }
    try (ScoringModel model = ScoringModel.load(BUNDLES.get(Pooling.MEAN), "i", Device.cpu(), options(ScoringOptions.Engine.ONNXRUNTIME, ScoringOptions.Precision.INT8))) {
      assertThat(model.choice().onnxFile()).isEqualTo(BundleSpec.ONNX_INT8);
      int8 = argmax(model.probabilities(ids, 32));
    }
    int agree = 0;
    for (int i = 0; i < ids.size(); i++) {
      agree += fp32[i] == int8[i] ? 1 : 0;
    }
    double f1Fp32 = ClassificationMetrics.of(LABELS, truth, fp32).macroF1();
    double f1Int8 = ClassificationMetrics.of(LABELS, truth, int8).macroF1();
    System.out.printf("int8 vs fp32: %d/%d labels agree; macro-F1 fp32 %.4f, int8 %.4f%n", agree, ids.size(), f1Fp32, f1Int8);
    assertThat(f1Fp32).as("the fine-tuned model learnt the markers").isGreaterThan(0.6);
    assertThat(agree).isGreaterThanOrEqualTo((int) Math.ceil(0.99 * ids.size()));
    assertThat(Math.abs(f1Int8 - f1Fp32)).isLessThanOrEqualTo(0.005);
  }

  /**
   * With a recheck margin, a sequence whose int8 top-two gap is below it gets fp32's probabilities
   * and every other sequence keeps int8's; the margin here is the median gap, so both kinds occur.
   */
  @Test
  void int8NearTiesAreRescoredWithFp32AndTheRestKeepInt8() throws Exception {
    List<long[]> ids = markerExamples(120, 6, 64).stream().map(TrainingExample::inputIds).toList();
    float[][] fp32 = probabilities(ScoringOptions.Precision.FP32, 0, ids);
    float[][] int8 = probabilities(ScoringOptions.Precision.INT8, 0, ids);
    double[] gaps = Arrays.stream(int8).mapToDouble(MarginRecheckBackend::topTwoGap).sorted().toArray();
    double margin = gaps[gaps.length / 2];
    float[][] rechecked = probabilities(ScoringOptions.Precision.INT8, margin, ids);
    int nearTies = 0;
    for (int i = 0; i < ids.size(); i++) {
      boolean nearTie = MarginRecheckBackend.topTwoGap(int8[i]) < margin;
      nearTies += nearTie ? 1 : 0;
      assertThat(rechecked[i]).as("sequence %d, near-tie %s", i, nearTie)
          .containsExactly(nearTie ? fp32[i] : int8[i], org.assertj.core.data.Offset.offset(1e-5f));
    }
    assertThat(nearTies).isBetween(ids.size() / 4, 3 * ids.size() / 4);
  }

  private static float[][] probabilities(ScoringOptions.Precision precision, double recheckMargin, List<long[]> ids) throws Exception {
    ScoringOptions options = new ScoringOptions(ScoringOptions.Engine.ONNXRUNTIME, precision, 1, 2, recheckMargin);
    try (ScoringModel model = ScoringModel.load(BUNDLES.get(Pooling.MEAN), "r", Device.cpu(), options)) {
      return model.probabilities(ids, 16);
    }
  }

  /** Each Linear weight goes from 4 bytes to 1 (plus a scale per column); embeddings stay float. */
  @Test
  void int8GraphStoresTheLinearWeightsInOneByte() throws Exception {
    Map<String, byte[]> files = BUNDLES.get(Pooling.MEAN);
    var config = io.sentimentpipeline.udfs.model.BertConfig.fromHuggingFaceJson(files.get(BundleSpec.MODEL_CONFIG), "config");
    long h = config.hiddenSize();
    long linearWeights = config.numLayers() * (4 * h * h + 2 * h * config.intermediateSize());
    long saved = files.get(BundleSpec.ONNX_FP32).length - files.get(BundleSpec.ONNX_INT8).length;
    assertThat(saved).isBetween(3 * linearWeights - 4 * linearWeights / 100, 3 * linearWeights);
  }

  @Test
  void aTamperedOnnxFileIsRefused() {
    Map<String, byte[]> files = new LinkedHashMap<>(BUNDLES.get(Pooling.CLS));
    byte[] onnx = files.get(BundleSpec.ONNX_FP32).clone();
    onnx[onnx.length / 2] ^= 1;
    files.put(BundleSpec.ONNX_FP32, onnx);
    assertThatThrownBy(() -> ScoringModel.load(files, "t", Device.cpu(), options(ScoringOptions.Engine.ONNXRUNTIME, ScoringOptions.Precision.FP32)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("model.onnx of model bundle t does not match its checksum in bundle.json");
  }

  @Test
  void engineFallsBackToFp32ThenPyTorchAndSaysWhy() throws Exception {
    ScoringOptions int8 = options(ScoringOptions.Engine.ONNXRUNTIME, ScoringOptions.Precision.INT8);
    BundleSpec full = BundleSpec.read(BUNDLES.get(Pooling.CLS), "full");
    assertThat(int8.choose(full, Device.cpu()).onnxFile()).isEqualTo(BundleSpec.ONNX_INT8);

    BundleSpec noInt8 = new BundleSpec(full.baseEncoder(), full.pooling(), full.maxLength(), full.labels(), full.temperature(), full.inputKind(),
        full.onnxFp32(), null, "", full.checksums());
    ScoringOptions.Choice fp32 = int8.choose(noInt8, Device.cpu());
    assertThat(fp32.engine()).isEqualTo(ScoringOptions.Engine.ONNXRUNTIME);
    assertThat(fp32.precision()).isEqualTo(ScoringOptions.Precision.FP32);
    assertThat(fp32.reason()).contains("no model.int8.onnx");

    BundleSpec none = noInt8.withOnnx(null, null, "base encoder '/ckpt' has no ONNX graph", Map.of());
    ScoringOptions.Choice pytorch = int8.choose(none, Device.cpu());
    assertThat(pytorch.engine()).isEqualTo(ScoringOptions.Engine.PYTORCH);
    assertThat(pytorch.reason()).contains("no ONNX file").contains("/ckpt");

    assertThat(int8.choose(full, Device.gpu(0)).engine()).isEqualTo(ScoringOptions.Engine.PYTORCH);
    assertThat(options(ScoringOptions.Engine.PYTORCH, ScoringOptions.Precision.INT8).choose(full, Device.cpu()).engine())
        .isEqualTo(ScoringOptions.Engine.PYTORCH);
  }

  @Test
  void aBaseEncoderWithoutOnnxGraphIsSkippedWithTheReason(@org.junit.jupiter.api.io.TempDir Path checkpoint) throws Exception {
    Map<String, byte[]> files = new LinkedHashMap<>(BUNDLES.get(Pooling.CLS));
    BundleSpec spec = BundleSpec.read(files, "hf");
    BundleSpec hf = new BundleSpec(checkpoint.toString(), spec.pooling(), spec.maxLength(), spec.labels(), spec.temperature(), spec.inputKind(),
        null, null, "", spec.checksums());
    BundleExport.Result export = BundleExport.export(files, hf, "hf");
    assertThat(export.files()).isEmpty();
    assertThat(export.spec().onnxFp32()).isNull();
    assertThat(export.spec().onnxNote()).contains(checkpoint.toString()).contains("has no ONNX graph");
  }

  @Test
  void theSpecRoundTripsThroughItsJson() throws Exception {
    Map<String, byte[]> files = BUNDLES.get(Pooling.MEAN);
    BundleSpec spec = BundleSpec.read(files, "rt");
    assertThat(spec.pooling()).isEqualTo(Pooling.MEAN);
    assertThat(spec.temperature()).isEqualTo(TEMPERATURE);
    assertThat(spec.labels()).isEqualTo(LABELS);
    assertThat(spec.checksums()).containsKeys(BundleSpec.WEIGHTS, BundleSpec.ONNX_FP32, BundleSpec.ONNX_INT8);
    Map<String, byte[]> rewritten = new LinkedHashMap<>(files);
    rewritten.put(BundleSpec.FILE, spec.toJson());
    assertThat(BundleSpec.read(rewritten, "rt")).isEqualTo(spec);
  }

  private static ScoringOptions options(ScoringOptions.Engine engine, ScoringOptions.Precision precision) {
    return new ScoringOptions(engine, precision, 1, 2, 0);
  }

  private static int[] argmax(float[][] probabilities) {
    return Arrays.stream(probabilities)
        .mapToInt(p -> {
          int best = 0;
          for (int c = 1; c < p.length; c++) {
            best = p[c] > p[best] ? c : best;
          }
          return best;
        })
        .toArray();
  }

  /**
   * Sequences [CLS] … [SEP] of 4–{@code maxLength} word-piece ids whose class is told by which of three marker
   * words ("bad", "okay", "great") appears among random common words.
   */
  static List<TrainingExample> markerExamples(int count, long seed, int maxLength) {
    long[] markers = {2919, 3100, 2307};
    Random random = new Random(seed);
    List<TrainingExample> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int label = random.nextInt(3);
      int length = 4 + random.nextInt(maxLength - 3);
      long[] ids = new long[length];
      ids[0] = 101;
      ids[length - 1] = 102;
      for (int t = 1; t < length - 1; t++) {
        long id = 2000 + random.nextInt(3000);
        ids[t] = Arrays.stream(markers).anyMatch(m -> m == id) ? id + 1 : id;
      }
      ids[1 + random.nextInt(length - 2)] = markers[label];
      out.add(new TrainingExample("m-" + seed + "-" + i, ids, label));
    }
    return out;
  }
}
