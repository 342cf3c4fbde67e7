package io.sentimentpipeline.udfs.model;

import ai.djl.ndarray.NDArray;

/**
 * Constants for arithmetic on arrays that autograd records.
 *
 * <p>DJL 0.36's PyTorch {@code NDArray.div(Number)} (and {@code mul}, {@code add}, …) wraps the
 * number in a 0-d tensor backed by a Java direct buffer and closes it as soon as the op returns.
 * Autograd keeps that tensor for the backward pass (a quotient's gradient divides by it), but once
 * closed nothing holds the buffer: a garbage collection before {@code backward} frees its memory
 * and the gradient is computed from whatever the allocator wrote there (Inf or NaN). The forward
 * result is unaffected, so losses look normal while the gradient norm is not finite, at random
 * steps. Use {@link #like} for any constant in a forward pass that may be trained.
 */
public final class Scalar {

  private Scalar() {}

  /**
   * A 0-d array of {@code value} in {@code array}'s manager (so it lives as long as the step's
   * other temporaries, through the backward pass) and data type.
   */
  public static NDArray like(NDArray array, float value) {
    return array.getManager().create(value).toType(array.getDataType(), false);
  }
}
