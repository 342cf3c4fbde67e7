package io.sentimentpipeline.udfs.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The imported encoders against the ONNX models they come from, run by ONNX Runtime; and the
 * safetensors path against the ONNX path. Real PyTorch, real ONNX Runtime, nothing mocked.
 */
class EncoderImporterTest {

  private static final List<String> TEXTS =
      List.of(
          "Great product, works as described.",
          "Shares of the company fell 12% after the earnings call; analysts cut their targets.",
          "meh",
          "The battery died after two days and support never answered my emails, so I returned it.");

  private static NDManager manager;

  @BeforeAll
  static void startEngine() {
    manager = Engine.getEngine("PyTorch").newBaseManager();
  }

  @AfterAll
  static void closeEngine() {
    manager.close();
  }

  /** Token ids of TEXTS, right-padded with 0 to the longest, with their attention mask. */
  private record Batch(long[][] ids, long[][] mask, long[][] types, int[] lengths) {}

  private static Batch tokenize(BundledEncoder bundled) throws IOException {
    Map<String, String> options =
        Map.of("padding", "false", "truncation", "true", "maxLength", "128", "addSpecialTokens", "true");
    try (InputStream json = bundled.openTokenizer();
        HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.newInstance(json, options)) {
      Encoding[] encodings = tokenizer.batchEncode(TEXTS);
      int longest = 0;
      for (Encoding e : encodings) {
        longest = Math.max(longest, e.getIds().length);
      }
      int n = encodings.length;
      long[][] ids = new long[n][longest];
      long[][] mask = new long[n][longest];
      long[][] types = new long[n][longest];
      int[] lengths = new int[n];
      for (int i = 0; i < n; i++) {
        long[] own = encodings[i].getIds();
        lengths[i] = own.length;
        System.arraycopy(own, 0, ids[i], 0, own.length);
        for (int t = 0; t < own.length; t++) {
          mask[i][t] = 1;
        }
      }
      return new Batch(ids, mask, types, lengths);
    }
  }

  private static float[][][] runOnnxRuntime(BundledEncoder bundled, Batch batch) throws Exception {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    byte[] model;
    try (InputStream in = bundled.openOnnx()) {
      model = in.readAllBytes();
    }
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setIntraOpNumThreads(2);
      try (OrtSession session = env.createSession(model, options)) {
        assertThat(session.getInputNames())
            .containsExactlyInAnyOrder("input_ids", "attention_mask", "token_type_ids");
        Map<String, OnnxTensor> inputs = new HashMap<>();
        inputs.put("input_ids", OnnxTensor.createTensor(env, batch.ids()));
        inputs.put("attention_mask", OnnxTensor.createTensor(env, batch.mask()));
        inputs.put("token_type_ids", OnnxTensor.createTensor(env, batch.types()));
        try (OrtSession.Result result = session.run(inputs)) {
          return (float[][][]) result.get(0).getValue();
        } finally {
          inputs.values().forEach(OnnxTensor::close);
        }
      }
    }
  }

  private static float[][][] runEncoder(BertEncoder encoder, Batch batch, boolean withTypes) {
    try (NDManager step = manager.newSubManager()) {
      NDList inputs = new NDList(step.create(batch.ids()), step.create(batch.mask()));
      if (withTypes) {
        inputs.add(step.create(batch.types()));
      }
      NDArray hidden =
          encoder.forward(new ParameterStore(step, false), inputs, false).singletonOrThrow();
      int n = batch.ids().length;
      int t = batch.ids()[0].length;
      int h = encoder.config().hiddenSize();
      assertThat(hidden.getShape().getShape()).containsExactly(n, t, h);
      float[] flat = hidden.toFloatArray();
      float[][][] out = new float[n][t][h];
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < t; j++) {
          System.arraycopy(flat, (i * t + j) * h, out[i][j], 0, h);
        }
      }
      return out;
    }
  }

  /** Max |a - b| over the positions that are not padding. */
  private static double maxDiff(float[][][] a, float[][][] b, int[] lengths) {
    double max = 0;
    for (int i = 0; i < lengths.length; i++) {
      for (int t = 0; t < lengths[i]; t++) {
        for (int k = 0; k < a[i][t].length; k++) {
          max = Math.max(max, Math.abs(a[i][t][k] - b[i][t][k]));
        }
      }
    }
    return max;
  }

  @ParameterizedTest
  @EnumSource(BundledEncoder.class)
  void importedEncoderMatchesOnnxRuntime(BundledEncoder bundled) throws Exception {
    Batch batch = tokenize(bundled);
    assertThat(batch.lengths()).as("the batch must need padding").doesNotHaveDuplicates();
    float[][][] expected = runOnnxRuntime(bundled, batch);

    try (NDManager models = manager.newSubManager()) {
      BertEncoder encoder = EncoderImporter.load(bundled.encoderName(), models);
      assertThat(encoder.config())
          .isEqualTo(
              new BertConfig(30522, 384, bundled == BundledEncoder.ALL_MINILM_L6_V2 ? 6 : 12, 12, 1536, 512, 2));
      // token_type_ids given for one model and left out (all type 0) for the other.
      boolean withTypes = bundled == BundledEncoder.BGE_SMALL_EN_V15;
      double diff = maxDiff(runEncoder(encoder, batch, withTypes), expected, batch.lengths());
      System.out.printf("parity %s: max abs diff %.3g over %d texts%n", bundled, diff, TEXTS.size());
      assertThat(diff).isLessThan(1e-4);
    }
  }

  @Test
  void onnxGraphNamesAndLinearWeightsAreRecovered() throws IOException {
    OnnxWeights weights;
    try (InputStream in = BundledEncoder.ALL_MINILM_L6_V2.openOnnx()) {
      weights = OnnxWeights.read(in, "minilm");
    }
    assertThat(weights.inputNames()).containsExactly("input_ids", "attention_mask", "token_type_ids");
    assertThat(weights.outputNames()).first().isEqualTo("output_0");
    assertThat(weights.shapes().get("encoder.layer.5.intermediate.dense.weight")).containsExactly(1536, 384);
    assertThat(weights.shapes().get("encoder.layer.5.output.dense.weight")).containsExactly(384, 1536);
    assertThatThrownBy(() -> weights.tensor("encoder.layer.9.output.dense.weight"))
        .hasMessageContaining("'encoder.layer.9.output.dense.weight' is missing from minilm");
  }

  @Test
  void safetensorsCheckpointRoundTrips(@TempDir Path dir) throws Exception {
    Batch batch = tokenize(BundledEncoder.ALL_MINILM_L6_V2);
    try (NDManager models = manager.newSubManager()) {
      BertEncoder original = EncoderImporter.loadBundled(BundledEncoder.ALL_MINILM_L6_V2, models);
      Path checkpoint = Files.createDirectories(dir.resolve("minilm"));
      original.config().writeHuggingFaceJson(checkpoint.resolve("config.json"));
      // BertForSequenceClassification-style names ("bert." prefix) exercise the prefix handling.
      writeSafetensors(original, name -> true, checkpoint.resolve("model.safetensors"));

      BertEncoder copy = EncoderImporter.load(checkpoint.toString(), models);
      assertThat(copy.config()).isEqualTo(original.config());
      float[][][] a = runEncoder(original, batch, true);
      float[][][] b = runEncoder(copy, batch, true);
      assertThat(maxDiff(a, b, batch.lengths())).isEqualTo(0.0);
    }
  }

  @Test
  void onnxFileLoadsLikeTheClasspathResource(@TempDir Path dir) throws Exception {
    Path file = BundledEncoder.ALL_MINILM_L6_V2.onnxFile(dir);
    assertThat(BundledEncoder.ALL_MINILM_L6_V2.onnxFile(dir)).isEqualTo(file); // reused, not copied
    try (NDManager models = manager.newSubManager()) {
      BertEncoder fromResource = EncoderImporter.loadBundled(BundledEncoder.ALL_MINILM_L6_V2, models);
      BertEncoder fromFile = EncoderImporter.loadOnnx(file, 12, models);
      Map<String, Parameter> a = fromResource.parametersByHuggingFaceName();
      Map<String, Parameter> b = fromFile.parametersByHuggingFaceName();
      for (String name : a.keySet()) {
        assertThat(b.get(name).getArray().contentEquals(a.get(name).getArray())).as(name).isTrue();
      }
      // Without the head count the default (384 / 64 = 6 heads) applies: a different model.
      assertThat(EncoderImporter.load(file.toString(), models).config().numHeads()).isEqualTo(6);
    }
  }

  @Test
  void missingTensorIsNamed(@TempDir Path dir) throws Exception {
    try (NDManager models = manager.newSubManager()) {
      BertConfig tiny = new BertConfig(50, 16, 2, 2, 32, 24, 2);
      BertEncoder source = new BertEncoder(tiny);
      source.initializeParameters(models);
      tiny.writeHuggingFaceJson(dir.resolve("config.json"));
      String dropped = "encoder.layer.1.attention.self.query.weight";
      writeSafetensors(source, name -> !name.equals(dropped), dir.resolve("model.safetensors"));

      assertThatThrownBy(() -> EncoderImporter.loadHuggingFace(dir, models))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("missing tensor '" + dropped + "'")
          .hasMessageContaining("model.safetensors");
    }
  }

  @Test
  void halfPrecisionValuesConvert() {
    assertThat(SafetensorsWeights.halfToFloat((short) 0x3c00)).isEqualTo(1.0f);
    assertThat(SafetensorsWeights.halfToFloat((short) 0xc000)).isEqualTo(-2.0f);
    assertThat(SafetensorsWeights.halfToFloat((short) 0x3555)).isCloseTo(0.33325f, org.assertj.core.data.Offset.offset(1e-5f));
    assertThat(SafetensorsWeights.halfToFloat((short) 0x0001)).isEqualTo((float) Math.pow(2, -24));
    assertThat(SafetensorsWeights.halfToFloat((short) 0x7c00)).isEqualTo(Float.POSITIVE_INFINITY);
  }

  /** Writes the encoder's parameters (those {@code keep} accepts) with a "bert." prefix. */
  static void writeSafetensors(BertEncoder encoder, Predicate<String> keep, Path file)
      throws IOException {
    Map<String, FloatTensor> tensors = SafetensorsWriter.snapshot(encoder.parametersByHuggingFaceName());
    tensors.keySet().removeIf(keep.negate());
    try (OutputStream out = Files.newOutputStream(file)) {
      SafetensorsWriter.write(tensors, "bert.", out);
    }
  }
}
