package io.sentimentpipeline.udfs.model;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Builds a {@link BertEncoder} holding pretrained weights, offline: from a bundled encoder (by
 * name), an ONNX file, or a Hugging Face checkpoint folder ({@code config.json} + {@code
 * model.safetensors}). Parameters are created in the given manager, which owns them.
 */
public final class EncoderImporter {

  private EncoderImporter() {}

  /**
   * Loads from {@code location}: a bundled encoder name ({@code all-minilm-l6-v2}, {@code
   * bge-small-en-v15}), a directory holding a Hugging Face checkpoint, or an .onnx file (heads
   * assumed hidden / 64; use {@link #loadOnnx(Path, int, NDManager)} to say otherwise).
   */
  public static BertEncoder load(String location, NDManager manager) throws IOException {
    if (BundledEncoder.isBundled(location)) {
      return loadBundled(BundledEncoder.byName(location), manager);
    }
    Path path = Path.of(location);
    if (Files.isDirectory(path)) {
      return loadHuggingFace(path, manager);
    }
    if (Files.isRegularFile(path) && path.toString().endsWith(".onnx")) {
      return loadOnnx(path, 0, manager);
    }
    throw new IllegalArgumentException(
        "encoder '" + location + "' is neither a bundled encoder, a Hugging Face checkpoint folder"
            + " nor an .onnx file");
  }

  /** Loads a bundled encoder's weights straight from its classpath resource. */
  public static BertEncoder loadBundled(BundledEncoder bundled, NDManager manager) throws IOException {
    OnnxWeights weights;
    try (InputStream in = bundled.openOnnx()) {
      weights = OnnxWeights.read(in, "bundled encoder " + bundled.encoderName());
    }
    return build(BertConfig.fromWeightShapes(weights.shapes(), bundled.numHeads()), weights, manager);
  }

  /**
   * Loads an ONNX export of a BERT encoder. {@code numHeads} is taken as given when positive,
   * otherwise hidden / 64 (wrong for MiniLM and bge-small, which have 12 heads of 32).
   */
  public static BertEncoder loadOnnx(Path onnxFile, int numHeads, NDManager manager)
      throws IOException {
    OnnxWeights weights = OnnxWeights.read(onnxFile);
    return build(BertConfig.fromWeightShapes(weights.shapes(), numHeads), weights, manager);
  }

  /** Loads a Hugging Face checkpoint folder: {@code config.json} and {@code model.safetensors}. */
  public static BertEncoder loadHuggingFace(Path checkpoint, NDManager manager) throws IOException {
    Path config = checkpoint.resolve("config.json");
    Path safetensors = checkpoint.resolve("model.safetensors");
    if (!Files.isRegularFile(config)) {
      throw new IOException("Hugging Face checkpoint " + checkpoint + " has no config.json");
    }
    if (!Files.isRegularFile(safetensors)) {
      String hint =
          Files.isRegularFile(checkpoint.resolve("model.safetensors.index.json"))
              ? " (sharded checkpoints are not supported)"
              : Files.isRegularFile(checkpoint.resolve("pytorch_model.bin"))
                  ? " (only pytorch_model.bin found: save it with safe_serialization=True)"
                  : "";
      throw new IOException(
          "Hugging Face checkpoint " + checkpoint + " has no model.safetensors" + hint);
    }
    return build(
        BertConfig.fromHuggingFaceJson(config), SafetensorsWeights.read(safetensors), manager);
  }

  /** A new encoder of {@code config}, initialised in {@code manager}, holding {@code weights}. */
  public static BertEncoder build(BertConfig config, WeightSource weights, NDManager manager) {
    BertEncoder encoder = new BertEncoder(config);
    encoder.initializeParameters(manager);
    encoder.loadWeights(weights);
    return encoder;
  }
}
