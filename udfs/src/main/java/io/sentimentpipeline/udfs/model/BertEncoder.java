package io.sentimentpipeline.udfs.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.TruncatedNormalInitializer;
import ai.djl.util.PairList;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A BERT encoder (embeddings + post-LayerNorm transformer layers, no pooler) written as a plain DJL
 * block, so it trains with DJL's gradient collection and accepts any sequence length up to
 * maxPositions (DJL's BertBlock needs inputs of exactly its max length and always runs a pooler).
 *
 * <p>Input: NDList(inputIds [B, T], attentionMask [B, T] of 1/0) or NDList(inputIds, attentionMask,
 * tokenTypeIds); ids may be int32 or int64. Output: NDList(lastHiddenState [B, T, H]); positions
 * where the mask is 0 hold values that mean nothing.
 *
 * <p>Its parameters are addressed by Hugging Face names through {@link
 * #parametersByHuggingFaceName()}, which is how {@link EncoderImporter} fills them.
 */
public final class BertEncoder extends AbstractBlock {

  /** BERT's dropout rate for hidden states and attention probabilities. */
  public static final float DEFAULT_DROPOUT = 0.1f;

  /** Added to attention scores of padded keys; exp(-10000) is exactly 0 in float32. */
  static final float MASKED_SCORE = -10_000f;

  private final BertConfig config;
  private final BertEmbeddings embeddings;
  private final List<BertLayer> layers = new ArrayList<>();

  /** An encoder with BERT's default dropout (0.1); inactive unless forward runs in training. */
  public BertEncoder(BertConfig config) {
    this(config, DEFAULT_DROPOUT);
  }

  public BertEncoder(BertConfig config, float dropoutRate) {
    this.config = config;
    embeddings = addChildBlock("embeddings", new BertEmbeddings(config, dropoutRate));
    for (int i = 0; i < config.numLayers(); i++) {
      layers.add(addChildBlock("layer_" + i, new BertLayer(config, dropoutRate)));
    }
    // BERT's initialisation for a model trained from scratch; imported weights overwrite it.
    setInitializer(new TruncatedNormalInitializer(0.02f), Parameter.Type.WEIGHT);
  }

  public BertConfig config() {
    return config;
  }

  /** Creates the parameters (randomly initialised) in {@code manager}; no-op for those that exist. */
  public void initializeParameters(NDManager manager) {
    initialize(manager, DataType.FLOAT32, new Shape(1, 1), new Shape(1, 1));
  }

  /**
   * Every parameter under its Hugging Face name (no {@code bert.} prefix), e.g. {@code
   * encoder.layer.0.attention.self.query.weight} → the query Linear's [out, in] weight.
   */
  public Map<String, Parameter> parametersByHuggingFaceName() {
    Map<String, Parameter> out = new LinkedHashMap<>();
    embeddings.collectParameters("embeddings", out);
    for (int i = 0; i < layers.size(); i++) {
      layers.get(i).collectParameters("encoder.layer." + i, out);
    }
    return Collections.unmodifiableMap(out);
  }

  /**
   * Copies weights into this (initialised) encoder. All names and shapes are checked first, so a
   * failure names every missing or misshapen tensor and leaves the parameters untouched.
   */
  public void loadWeights(WeightSource source) {
    Map<String, long[]> available = source.shapes();
    List<String> problems = new ArrayList<>();
    Map<String, Parameter> wanted = parametersByHuggingFaceName();
    wanted.forEach(
        (name, parameter) -> {
          long[] shape = available.get(name);
          long[] expected = parameter.getShape().getShape();
          if (shape == null) {
            problems.add("missing tensor '" + name + "'");
          } else if (!Arrays.equals(shape, expected)) {
            problems.add(
                "tensor '" + name + "' has shape " + Arrays.toString(shape) + ", the encoder needs "
                    + Arrays.toString(expected));
          }
        });
    if (!problems.isEmpty()) {
      int shown = Math.min(problems.size(), 20);
      throw new IllegalArgumentException(
          "cannot load encoder weights from " + source.description() + " (" + config + "): "
              + String.join("; ", problems.subList(0, shown))
              + (problems.size() > shown ? "; and " + (problems.size() - shown) + " more" : ""));
    }
    wanted.forEach(
        (name, parameter) -> {
          if (!parameter.isInitialized()) {
            throw new IllegalStateException("initialise the encoder before loading weights");
          }
          parameter.getArray().set(FloatBuffer.wrap(source.tensor(name).data()));
        });
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    if (inputs.size() < 2) {
      throw new IllegalArgumentException(
          "BertEncoder needs NDList(inputIds, attentionMask[, tokenTypeIds]), got " + inputs.size()
              + " arrays");
    }
    NDArray ids = inputs.get(0);
    NDArray mask = inputs.get(1);
    long batch = ids.getShape().get(0);
    long seq = ids.getShape().get(1);
    if (seq > config.maxPositions()) {
      throw new IllegalArgumentException(
          "sequence length " + seq + " exceeds the encoder's " + config.maxPositions() + " positions");
    }
    NDList embeddingInput = inputs.size() > 2 ? new NDList(ids, inputs.get(2)) : new NDList(ids);
    NDArray hidden = embeddings.forward(store, embeddingInput, training).singletonOrThrow();
    NDArray additiveMask =
        mask.toType(hidden.getDataType(), false)
            .neg()
            .add(1f)
            .mul(MASKED_SCORE)
            .reshape(batch, 1, 1, seq);
    for (BertLayer layer : layers) {
      hidden = layer.forward(store, new NDList(hidden, additiveMask), training).singletonOrThrow();
    }
    return new NDList(hidden);
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    Shape ids = new Shape(1, 1);
    embeddings.initialize(manager, dataType, ids);
    Shape hidden = new Shape(1, 1, config.hiddenSize());
    for (BertLayer layer : layers) {
      layer.initialize(manager, dataType, hidden, new Shape(1, 1, 1, 1));
    }
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape ids = inputShapes[0];
    return new Shape[] {new Shape(ids.get(0), ids.get(1), config.hiddenSize())};
  }
}
