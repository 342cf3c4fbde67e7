package io.sentimentpipeline.udfs.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;
import java.util.Map;

/**
 * LayerNorm over the last (hidden) axis with parameters named {@code weight} and {@code bias} as in
 * Hugging Face (DJL's own LayerNorm calls them gamma/beta and infers its axis from input shapes).
 */
final class BertLayerNorm extends AbstractBlock {

  private final int size;
  private final float eps;
  private final Parameter weight;
  private final Parameter bias;

  BertLayerNorm(int size, double eps) {
    this.size = size;
    this.eps = (float) eps;
    weight =
        addParameter(
            Parameter.builder()
                .setName("weight")
                .setType(Parameter.Type.GAMMA)
                .optInitializer(Initializer.ONES)
                .optShape(new Shape(size))
                .build());
    bias =
        addParameter(
            Parameter.builder()
                .setName("bias")
                .setType(Parameter.Type.BETA)
                .optInitializer(Initializer.ZEROS)
                .optShape(new Shape(size))
                .build());
  }

  void collectParameters(String prefix, Map<String, Parameter> out) {
    out.put(prefix + ".weight", weight);
    out.put(prefix + ".bias", bias);
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.singletonOrThrow();
    NDArray w = store.getValue(weight, x.getDevice(), training);
    NDArray b = store.getValue(bias, x.getDevice(), training);
    return LayerNorm.layerNorm(x, new Shape(size), w, b, eps);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {inputShapes[0]};
  }
}
