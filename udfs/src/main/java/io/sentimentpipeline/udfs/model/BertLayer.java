package io.sentimentpipeline.udfs.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.Map;

/**
 * One post-LayerNorm BERT encoder layer: multi-head self-attention (separate Q/K/V projections,
 * scaled dot product, additive mask, softmax, dropout, output projection, residual, LayerNorm),
 * then the feed-forward net (dense, exact erf GELU, dense, residual, LayerNorm).
 *
 * <p>Input: NDList(hidden [B, T, H], additiveMask [B, 1, 1, T]). Output: NDList(hidden [B, T, H]).
 */
final class BertLayer extends AbstractBlock {

  private final BertConfig config;
  private final Linear query;
  private final Linear key;
  private final Linear value;
  private final Dropout attentionProbsDropout;
  private final Linear attentionOutput;
  private final Dropout attentionOutputDropout;
  private final BertLayerNorm attentionLayerNorm;
  private final Linear intermediate;
  private final Linear output;
  private final Dropout outputDropout;
  private final BertLayerNorm outputLayerNorm;

  BertLayer(BertConfig config, float dropoutRate) {
    this.config = config;
    int hidden = config.hiddenSize();
    query = addChildBlock("query", linear(hidden));
    key = addChildBlock("key", linear(hidden));
    value = addChildBlock("value", linear(hidden));
    attentionProbsDropout = addChildBlock("attention_probs_dropout", dropout(dropoutRate));
    attentionOutput = addChildBlock("attention_output_dense", linear(hidden));
    attentionOutputDropout = addChildBlock("attention_output_dropout", dropout(dropoutRate));
    attentionLayerNorm =
        addChildBlock("attention_output_LayerNorm", new BertLayerNorm(hidden, config.layerNormEps()));
    intermediate = addChildBlock("intermediate_dense", linear(config.intermediateSize()));
    output = addChildBlock("output_dense", linear(hidden));
    outputDropout = addChildBlock("output_dropout", dropout(dropoutRate));
    outputLayerNorm =
        addChildBlock("output_LayerNorm", new BertLayerNorm(hidden, config.layerNormEps()));
  }

  private static Linear linear(int units) {
    return Linear.builder().setUnits(units).optBias(true).build();
  }

  private static Dropout dropout(float rate) {
    return Dropout.builder().optRate(rate).build();
  }

  void collectParameters(String prefix, Map<String, Parameter> out) {
    linearParameters(prefix + ".attention.self.query", query, out);
    linearParameters(prefix + ".attention.self.key", key, out);
    linearParameters(prefix + ".attention.self.value", value, out);
    linearParameters(prefix + ".attention.output.dense", attentionOutput, out);
    attentionLayerNorm.collectParameters(prefix + ".attention.output.LayerNorm", out);
    linearParameters(prefix + ".intermediate.dense", intermediate, out);
    linearParameters(prefix + ".output.dense", output, out);
    outputLayerNorm.collectParameters(prefix + ".output.LayerNorm", out);
  }

  static void linearParameters(String prefix, Linear linear, Map<String, Parameter> out) {
    out.put(prefix + ".weight", linear.getDirectParameters().get("weight"));
    out.put(prefix + ".bias", linear.getDirectParameters().get("bias"));
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.get(0);
    NDArray additiveMask = inputs.get(1);
    long batch = x.getShape().get(0);
    long seq = x.getShape().get(1);
    int heads = config.numHeads();
    int headSize = config.headSize();

    NDArray q = heads(apply(query, store, x, training), batch, seq);
    NDArray k = heads(apply(key, store, x, training), batch, seq);
    NDArray v = heads(apply(value, store, x, training), batch, seq);
    NDArray raw = q.matMul(k.transpose(0, 1, 3, 2));
    NDArray scores = raw.div(Scalar.like(raw, (float) Math.sqrt(headSize))); // not div(float): see Scalar
    NDArray probs = scores.add(additiveMask).softmax(-1);
    probs = apply(attentionProbsDropout, store, probs, training);
    NDArray context =
        probs.matMul(v).transpose(0, 2, 1, 3).reshape(batch, seq, (long) heads * headSize);
    NDArray attended = apply(attentionOutput, store, context, training);
    attended = apply(attentionOutputDropout, store, attended, training);
    attended = apply(attentionLayerNorm, store, attended.add(x), training);

    NDArray inner = Activation.gelu(apply(intermediate, store, attended, training));
    NDArray out = apply(output, store, inner, training);
    out = apply(outputDropout, store, out, training);
    return new NDList(apply(outputLayerNorm, store, out.add(attended), training));
  }

  /** [B, T, H] to [B, heads, T, headSize]. */
  private NDArray heads(NDArray x, long batch, long seq) {
    return x.reshape(batch, seq, config.numHeads(), config.headSize()).transpose(0, 2, 1, 3);
  }

  private static NDArray apply(Block block, ParameterStore store, NDArray x, boolean training) {
    return block.forward(store, new NDList(x), training).singletonOrThrow();
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    Shape hidden = new Shape(1, 1, config.hiddenSize());
    for (Block block : new Block[] {query, key, value, attentionOutput, intermediate}) {
      block.initialize(manager, dataType, hidden);
    }
    output.initialize(manager, dataType, new Shape(1, 1, config.intermediateSize()));
    for (Block block :
        new Block[] {
          attentionProbsDropout, attentionOutputDropout, outputDropout, attentionLayerNorm,
          outputLayerNorm
        }) {
      block.initialize(manager, dataType, hidden);
    }
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {inputShapes[0]};
  }
}
