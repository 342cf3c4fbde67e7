package io.sentimentpipeline.udfs.score;

import ai.djl.Device;
import java.io.Serializable;
import java.util.Locale;

/**
 * How a bundle is scored: the engine and precision asked for ({@code score.engine}, {@code
 * score.precision}), the PyTorch predictor pool and ONNX Runtime's intra-op threads. {@link
 * #choose} settles what actually runs, since a bundle may lack the ONNX file asked for.
 *
 * @param predictors PyTorch predictors, i.e. batches that may run at once (the executor's cores)
 * @param intraOpThreads ONNX Runtime threads per batch (the task's cores, spark.task.cpus)
 * @param recheckMargin int8 only: a sequence whose two most likely classes are closer than this is
 *     scored again with the bundle's fp32 graph, which decides its probabilities (0 = never; see
 *     {@link MarginRecheckBackend})
 */
public record ScoringOptions(Engine engine, Precision precision, int predictors, int intraOpThreads, double recheckMargin)
    implements Serializable {

  /** Which runtime runs the model. */
  public enum Engine { ONNXRUNTIME, PYTORCH }

  /** Weight precision of the ONNX model (PyTorch always runs fp32). */
  public enum Precision { INT8, FP32 }

  /** What runs: engine, precision and, for ONNX Runtime, the bundle file; {@code reason} says why if not what was asked. */
  public record Choice(Engine engine, Precision precision, String onnxFile, String reason) {
    @Override
    public String toString() {
      return name(engine) + " " + name(precision) + (onnxFile == null ? "" : " (" + onnxFile + ")")
          + (reason.isEmpty() ? "" : ": " + reason);
    }
  }

  public ScoringOptions {
    if (predictors < 1) {
      throw new IllegalArgumentException("predictors must be at least 1, got " + predictors);
    }
    if (intraOpThreads < 1) {
      throw new IllegalArgumentException("intraOpThreads must be at least 1, got " + intraOpThreads);
    }
    if (!(recheckMargin >= 0 && recheckMargin < 1)) {
      throw new IllegalArgumentException("recheckMargin must be in [0, 1), got " + recheckMargin);
    }
  }

  /** PyTorch, as scoring ran before ONNX export. */
  public static ScoringOptions pytorch(int predictors) {
    return new ScoringOptions(Engine.PYTORCH, Precision.FP32, predictors, 1, 0);
  }

  /** Whether {@code choice} of a bundle with {@code spec} rechecks near-ties with the fp32 graph. */
  boolean rechecks(Choice choice, BundleSpec spec) {
    return recheckMargin > 0 && choice.engine() == Engine.ONNXRUNTIME && choice.precision() == Precision.INT8
        && spec.onnxFp32() != null;
  }

  /**
   * ONNX Runtime int8 when asked for and the bundle has it; otherwise fp32 ONNX, then PyTorch,
   * with the reason. ONNX Runtime here is the CPU build, so a GPU device scores with PyTorch.
   */
  public Choice choose(BundleSpec spec, Device device) {
    if (engine == Engine.PYTORCH) {
      return new Choice(Engine.PYTORCH, Precision.FP32, null, "");
    }
    if (device.isGpu()) {
      return new Choice(Engine.PYTORCH, Precision.FP32, null, "the task runs on " + device + " and ONNX Runtime here is the CPU build");
    }
    if (precision == Precision.INT8 && spec.onnxInt8() != null) {
      return new Choice(Engine.ONNXRUNTIME, Precision.INT8, spec.onnxInt8(), "");
    }
    if (spec.onnxFp32() != null) {
      String reason = precision == Precision.INT8 ? "the bundle has no " + BundleSpec.ONNX_INT8 : "";
      return new Choice(Engine.ONNXRUNTIME, Precision.FP32, spec.onnxFp32(), reason);
    }
    return new Choice(Engine.PYTORCH, Precision.FP32, null, "the bundle has no ONNX file (" + spec.onnxNote() + ")");
  }

  static String name(Enum<?> value) {
    return value.name().toLowerCase(Locale.ROOT);
  }
}
