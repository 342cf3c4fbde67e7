package io.sentimentpipeline.udfs.score;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.sentimentpipeline.udfs.model.OnnxExport;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Measures what {@link OnnxExport.Smoothing} needs: the largest |value| of each channel of every
 * activation that int8 quantizes, over the fp32 export's run on a fixed set of calibration texts
 * (the resource {@value #TEXTS}: reviews, headlines and posts of the pipeline's genres, written for
 * this project). The outlier channels are a property of the encoder, not of one corpus, so a few
 * dozen varied texts find them; the export stays a function of the bundle alone (no table read),
 * the same at training time and for {@code models export-onnx}.
 */
public final class Int8Calibration {

  /** The calibration texts, one per line; lines starting with '#' are comments. */
  public static final String TEXTS = "int8-calibration.txt";

  /** The default share of each channel's range moved into the weights (SmoothQuant's choice for BERT-size models). */
  public static final double ALPHA = 0.5;

  private Int8Calibration() {}

  /** The smoothing of {@code fp32Model}'s int8 export at {@link #ALPHA}, from the texts tokenized by {@code tokenizerJson}. */
  public static OnnxExport.Smoothing smoothing(byte[] fp32Model, InputStream tokenizerJson, int maxLength) throws IOException {
    return new OnnxExport.Smoothing(channelMaxima(fp32Model, sequences(tokenizerJson, maxLength)), ALPHA);
  }

  /** The calibration texts as ids ([CLS] … [SEP], at most {@code maxLength}). */
  static List<long[]> sequences(InputStream tokenizerJson, int maxLength) throws IOException {
    Map<String, String> options =
        Map.of("maxLength", Integer.toString(maxLength), "truncation", "true", "padding", "false", "addSpecialTokens", "true");
    try (HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.newInstance(tokenizerJson, options)) {
      return texts().stream().map(text -> tokenizer.encode(text).getIds()).toList();
    }
  }

  static List<String> texts() {
    InputStream in = Int8Calibration.class.getResourceAsStream(TEXTS);
    if (in == null) {
      throw new IllegalStateException("resource " + TEXTS + " is missing from the udfs jar");
    }
    try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      return reader.lines().filter(line -> !line.isBlank() && !line.startsWith("#")).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * max |x[..., k]| of each quantized MatMul input of {@code fp32Model} over {@code sequences}, one
   * sequence per run (no padding enters the maxima), by input name.
   */
  static Map<String, float[]> channelMaxima(byte[] fp32Model, List<long[]> sequences) {
    Set<String> names = new LinkedHashSet<>(OnnxExport.quantizedInputs(fp32Model).keySet());
    Map<String, float[]> maxima = new LinkedHashMap<>();
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setIntraOpNumThreads(1);
      options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.NO_OPT);
      try (OrtSession session = env.createSession(OnnxExport.withFloatOutputs(fp32Model, names), options)) {
        boolean takesTokenTypes = session.getInputNames().contains("token_type_ids");
        for (long[] ids : sequences) {
          long[] ones = new long[ids.length];
          Arrays.fill(ones, 1L);
          try (OnnxTensor idTensor = OnnxTensor.createTensor(env, new long[][] {ids});
              OnnxTensor mask = OnnxTensor.createTensor(env, new long[][] {ones});
              OnnxTensor types = OnnxTensor.createTensor(env, new long[1][ids.length])) {
            Map<String, OnnxTensor> inputs = new HashMap<>(Map.of("input_ids", idTensor, "attention_mask", mask));
            if (takesTokenTypes) {
              inputs.put("token_type_ids", types);
            }
            try (OrtSession.Result result = session.run(inputs, names)) {
              for (Map.Entry<String, OnnxValue> output : result) {
                accumulate(maxima, output.getKey(), (OnnxTensor) output.getValue());
              }
            }
          }
        }
      }
    } catch (OrtException e) {
      throw new IllegalStateException("the int8 calibration run of the fp32 export failed: " + e.getMessage(), e);
    }
    return maxima;
  }

  private static void accumulate(Map<String, float[]> maxima, String name, OnnxTensor tensor) {
    long[] shape = tensor.getInfo().getShape();
    int channels = Math.toIntExact(shape[shape.length - 1]);
    float[] max = maxima.computeIfAbsent(name, n -> new float[channels]);
    FloatBuffer values = tensor.getFloatBuffer();
    for (int i = 0; values.hasRemaining(); i++) {
      int k = i % channels;
      max[k] = Math.max(max[k], Math.abs(values.get()));
    }
  }
}
