package io.sentimentpipeline.udfs.model;

import java.util.Map;

/**
 * Encoder weights keyed by Hugging Face BERT names without the {@code bert.} prefix (e.g. {@code
 * encoder.layer.0.attention.self.query.weight}), Linear weights already in [out, in] order. Each
 * file format (ONNX, safetensors) adapts its own naming and layout to this.
 */
public interface WeightSource {

  /** Shapes of all float tensors this source can deliver, by Hugging Face name. */
  Map<String, long[]> shapes();

  /** The tensor of that name; fails with a message naming it when absent. */
  FloatTensor tensor(String name);

  /** Where the weights come from, for error messages. */
  String description();
}
