package io.sentimentpipeline.udfs.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Adam with decoupled weight decay (Loshchilov and Hutter; as {@code torch.optim.AdamW}), written
 * here rather than taken from DJL so that its moments can be saved in a checkpoint and restored.
 * Biases and LayerNorm weights are not decayed (the usual BERT fine-tuning recipe).
 *
 * <p>Update for a parameter p with gradient g at step t: p ← p·(1 − lr·wd); m ← β1·m + (1−β1)·g;
 * v ← β2·v + (1−β2)·g²; p ← p − lr/(1−β1^t) · m / (√v/√(1−β2^t) + ε).
 */
final class AdamW {

  static final float BETA1 = 0.9f;
  static final float BETA2 = 0.999f;
  static final float EPSILON = 1e-8f;

  private final List<String> names;
  private final List<Parameter> parameters;
  private final boolean[] decays;
  private final float weightDecay;
  private final List<NDArray> firstMoments = new ArrayList<>();
  private final List<NDArray> secondMoments = new ArrayList<>();
  private long updates;

  /**
   * @param parameters the trainable parameters by Hugging Face name, in a fixed order
   * @param manager owns the moment arrays for the optimizer's life
   */
  AdamW(Map<String, Parameter> parameters, float weightDecay, NDManager manager) {
    this.names = List.copyOf(parameters.keySet());
    this.parameters = List.copyOf(parameters.values());
    this.weightDecay = weightDecay;
    this.decays = new boolean[names.size()];
    for (int i = 0; i < names.size(); i++) {
      decays[i] = isDecayed(names.get(i));
      NDArray value = this.parameters.get(i).getArray();
      firstMoments.add(manager.zeros(value.getShape(), value.getDataType()));
      secondMoments.add(manager.zeros(value.getShape(), value.getDataType()));
    }
  }

  /** Biases and LayerNorm weights are exempt from weight decay. */
  static boolean isDecayed(String name) {
    return !(name.endsWith(".bias") || name.contains("LayerNorm"));
  }

  /** Updates done so far (the t of the bias correction). */
  long updates() {
    return updates;
  }

  /**
   * One update of every parameter from {@code gradients} (same order as the parameters) times
   * {@code gradientScale} (the clipping factor). Temporaries are attached to {@code step}.
   */
  void update(List<NDArray> gradients, float gradientScale, float learningRate, NDManager step) {
    updates++;
    double correction1 = 1 - Math.pow(BETA1, updates);
    double correction2 = 1 - Math.pow(BETA2, updates);
    float stepSize = (float) (learningRate / correction1);
    float sqrtCorrection2 = (float) Math.sqrt(correction2);
    for (int i = 0; i < parameters.size(); i++) {
      NDArray weight = parameters.get(i).getArray();
      NDArray m = firstMoments.get(i);
      NDArray v = secondMoments.get(i);
      NDArray g = temporary(gradients.get(i).mul(gradientScale), step);
      if (decays[i] && weightDecay > 0) {
        weight.muli(1 - learningRate * weightDecay);
      }
      m.muli(BETA1).addi(temporary(g.mul(1 - BETA1), step));
      v.muli(BETA2).addi(temporary(g.square().muli(1 - BETA2), step));
      NDArray denominator = temporary(v.sqrt(), step).divi(sqrtCorrection2).addi(EPSILON);
      NDArray change = temporary(m.div(denominator), step).muli(stepSize);
      weight.subi(change);
    }
  }

  private static NDArray temporary(NDArray array, NDManager step) {
    array.attach(step);
    return array;
  }

  List<String> names() {
    return names;
  }

  float[][] firstMoments() {
    return toFloats(firstMoments);
  }

  float[][] secondMoments() {
    return toFloats(secondMoments);
  }

  /** Restores the state saved by a checkpoint. */
  void restore(float[][] first, float[][] second, long updates) {
    for (int i = 0; i < parameters.size(); i++) {
      firstMoments.get(i).set(first[i]);
      secondMoments.get(i).set(second[i]);
    }
    this.updates = updates;
  }

  private static float[][] toFloats(List<NDArray> arrays) {
    float[][] out = new float[arrays.size()][];
    for (int i = 0; i < arrays.size(); i++) {
      out[i] = arrays.get(i).toFloatArray();
    }
    return out;
  }
}
