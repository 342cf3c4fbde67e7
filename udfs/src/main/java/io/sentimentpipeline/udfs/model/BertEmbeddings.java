package io.sentimentpipeline.udfs.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.Map;

/**
 * Word + position + token-type embeddings, LayerNorm and dropout. Input: NDList(inputIds [B, T]) or
 * NDList(inputIds, tokenTypeIds); without token types every token is of type 0. Output [B, T, H].
 */
final class BertEmbeddings extends AbstractBlock {

  private final BertConfig config;
  private final Parameter wordEmbeddings;
  private final Parameter positionEmbeddings;
  private final Parameter tokenTypeEmbeddings;
  private final BertLayerNorm layerNorm;
  private final Dropout dropout;

  BertEmbeddings(BertConfig config, float dropoutRate) {
    this.config = config;
    int hidden = config.hiddenSize();
    wordEmbeddings = addParameter(table("word_embeddings", config.vocabSize(), hidden));
    positionEmbeddings = addParameter(table("position_embeddings", config.maxPositions(), hidden));
    tokenTypeEmbeddings = addParameter(table("token_type_embeddings", config.typeVocabSize(), hidden));
    layerNorm = addChildBlock("LayerNorm", new BertLayerNorm(hidden, config.layerNormEps()));
    dropout = addChildBlock("dropout", Dropout.builder().optRate(dropoutRate).build());
  }

  private static Parameter table(String name, int rows, int hidden) {
    return Parameter.builder()
        .setName(name)
        .setType(Parameter.Type.WEIGHT)
        .optShape(new Shape(rows, hidden))
        .build();
  }

  void collectParameters(String prefix, Map<String, Parameter> out) {
    out.put(prefix + ".word_embeddings.weight", wordEmbeddings);
    out.put(prefix + ".position_embeddings.weight", positionEmbeddings);
    out.put(prefix + ".token_type_embeddings.weight", tokenTypeEmbeddings);
    layerNorm.collectParameters(prefix + ".LayerNorm", out);
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray ids = inputs.get(0).toType(DataType.INT64, false);
    long seqLength = ids.getShape().get(1);
    // All lookups go through the ids' manager, so no per-call array lands in the parameters' one.
    NDArray words = lookup(store, wordEmbeddings, ids, training);
    NDArray typeIds = inputs.size() > 1 ? inputs.get(1).toType(DataType.INT64, false) : ids.zerosLike();
    NDArray types = lookup(store, tokenTypeEmbeddings, typeIds, training);
    NDArray positionIds = ids.getManager().arange(0, (int) seqLength, 1, DataType.INT64);
    NDArray positions = lookup(store, positionEmbeddings, positionIds, training);
    // Same order of additions as Hugging Face: (words + types) + positions.
    NDArray sum = words.add(types).add(positions);
    NDList normed = layerNorm.forward(store, new NDList(sum), training);
    return dropout.forward(store, normed, training);
  }

  private static NDArray lookup(ParameterStore store, Parameter table, NDArray ids, boolean training) {
    NDArray weight = store.getValue(table, ids.getDevice(), training);
    return Embedding.embedding(ids, weight, SparseFormat.DENSE).singletonOrThrow();
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    Shape hidden = new Shape(1, 1, config.hiddenSize());
    layerNorm.initialize(manager, dataType, hidden);
    dropout.initialize(manager, dataType, hidden);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape ids = inputShapes[0];
    return new Shape[] {new Shape(ids.get(0), ids.get(1), config.hiddenSize())};
  }
}
