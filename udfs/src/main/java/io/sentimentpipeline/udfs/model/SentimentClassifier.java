package io.sentimentpipeline.udfs.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.TruncatedNormalInitializer;
import ai.djl.util.PairList;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The model that is fine-tuned and scored: a {@link BertEncoder}, pooling ({@link Pooling#CLS} or
 * masked {@link Pooling#MEAN}), dropout and a Linear layer to {@code numLabels} logits.
 *
 * <p>Input: NDList(inputIds [B, T], attentionMask [B, T][, tokenTypeIds]). Output: NDList(logits [B,
 * numLabels]).
 */
public final class SentimentClassifier extends AbstractBlock {

  private final BertEncoder encoder;
  private final Pooling pooling;
  private final int numLabels;
  private final Dropout dropout;
  private final Linear classifier;

  public SentimentClassifier(BertEncoder encoder, Pooling pooling, int numLabels) {
    this(encoder, pooling, numLabels, BertEncoder.DEFAULT_DROPOUT);
  }

  public SentimentClassifier(BertEncoder encoder, Pooling pooling, int numLabels, float dropoutRate) {
    if (numLabels < 1) {
      throw new IllegalArgumentException("numLabels must be >= 1, got " + numLabels);
    }
    this.encoder = addChildBlock("bert", encoder);
    this.pooling = pooling;
    this.numLabels = numLabels;
    dropout = addChildBlock("dropout", Dropout.builder().optRate(dropoutRate).build());
    classifier = addChildBlock("classifier", Linear.builder().setUnits(numLabels).build());
    classifier.setInitializer(new TruncatedNormalInitializer(0.02f), Parameter.Type.WEIGHT);
  }

  public BertEncoder encoder() {
    return encoder;
  }

  public Pooling pooling() {
    return pooling;
  }

  public int numLabels() {
    return numLabels;
  }

  /**
   * Creates any parameters not yet there (the head, or everything for an encoder trained from
   * scratch) in {@code manager}; imported encoder weights are kept.
   */
  public void initializeParameters(NDManager manager) {
    initialize(manager, DataType.FLOAT32, new Shape(1, 1), new Shape(1, 1));
  }

  /**
   * All parameters under Hugging Face BertForSequenceClassification names: {@code bert.*} for the
   * encoder and {@code classifier.weight}/{@code classifier.bias} for the head.
   */
  public Map<String, Parameter> parametersByHuggingFaceName() {
    Map<String, Parameter> out = new LinkedHashMap<>();
    encoder.parametersByHuggingFaceName().forEach((name, p) -> out.put("bert." + name, p));
    BertLayer.linearParameters("classifier", classifier, out);
    return out;
  }

  /** Pools [B, T, H] states to [B, H] as this classifier does. */
  public static NDArray pool(NDArray hidden, NDArray attentionMask, Pooling pooling) {
    if (pooling == Pooling.CLS) {
      return hidden.get(new NDIndex(":, 0, :"));
    }
    NDArray mask = attentionMask.toType(hidden.getDataType(), false).expandDims(2); // [B, T, 1]
    NDArray sum = hidden.mul(mask).sum(new int[] {1});
    NDArray count = mask.sum(new int[] {1}).maximum(1e-9f);
    return sum.div(count);
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray hidden = encoder.forward(store, inputs, training).singletonOrThrow();
    NDArray pooled = pool(hidden, inputs.get(1), pooling);
    NDList dropped = dropout.forward(store, new NDList(pooled), training);
    return classifier.forward(store, dropped, training);
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    encoder.initializeParameters(manager);
    Shape pooled = new Shape(1, encoder.config().hiddenSize());
    dropout.initialize(manager, dataType, pooled);
    classifier.initialize(manager, dataType, pooled);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {new Shape(inputShapes[0].get(0), numLabels)};
  }
}
