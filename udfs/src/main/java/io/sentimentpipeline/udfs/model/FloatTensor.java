package io.sentimentpipeline.udfs.model;

import java.util.Arrays;

/**
 * A dense float32 tensor on the Java heap, row-major: the neutral form in which imported weights
 * travel from a file reader to {@link BertEncoder#loadWeights}.
 */
public record FloatTensor(long[] shape, float[] data) implements java.io.Serializable {

  public FloatTensor {
    long size = 1;
    for (long d : shape) {
      size *= d;
    }
    if (size != data.length) {
      throw new IllegalArgumentException(
          "shape " + Arrays.toString(shape) + " needs " + size + " values, got " + data.length);
    }
  }

  /** The transpose of a 2-D tensor ([in, out] to [out, in] and back). */
  public FloatTensor transpose2d() {
    if (shape.length != 2) {
      throw new IllegalStateException("transpose2d needs a 2-D tensor, got " + Arrays.toString(shape));
    }
    int rows = Math.toIntExact(shape[0]);
    int cols = Math.toIntExact(shape[1]);
    float[] out = new float[data.length];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        out[c * rows + r] = data[r * cols + c];
      }
    }
    return new FloatTensor(new long[] {cols, rows}, out);
  }
}
