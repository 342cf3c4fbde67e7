package io.sentimentpipeline.udfs.score;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.sentimentpipeline.udfs.model.OnnxExport;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Scores an exported bundle graph ({@link OnnxExport}) with one ONNX Runtime session, shared by all
 * task threads (a session's run is thread-safe). Each thread pads its batches into its own direct
 * buffers, grown when a batch needs more and otherwise reused, which ORT reads in place.
 */
final class OnnxRuntimeBackend implements ScoringModel.Backend {

  /** One thread's input buffers: ids, mask and token types, B x T longs each. */
  private static final class Buffers {
    private LongBuffer ids = allocate(0);
    private LongBuffer mask = allocate(0);
    private LongBuffer types = allocate(0);

    void ensure(int size) {
      if (ids.capacity() < size) {
        int capacity = Math.max(size, 2 * ids.capacity());
        ids = allocate(capacity);
        mask = allocate(capacity);
        types = allocate(capacity);
      }
    }

    private static LongBuffer allocate(int longs) {
      return ByteBuffer.allocateDirect(longs * Long.BYTES).order(ByteOrder.nativeOrder()).asLongBuffer();
    }
  }

  private final OrtEnvironment env = OrtEnvironment.getEnvironment();
  private final OrtSession session;
  private final String description;
  private final int labels;
  private final boolean takesTokenTypes;
  private final ThreadLocal<Buffers> buffers = ThreadLocal.withInitial(Buffers::new);

  OnnxRuntimeBackend(byte[] model, String description, int intraOpThreads, int labels) {
    this.description = description;
    this.labels = labels;
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setIntraOpNumThreads(intraOpThreads);
      options.setInterOpNumThreads(1);
      options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
      options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      // Pool threads sleep between ops instead of spinning, as libtorch's do (OMP_WAIT_POLICY=PASSIVE):
      // executors share their cores with other tasks and JVMs.
      options.addConfigEntry("session.intra_op.allow_spinning", "0");
      session = env.createSession(model, options);
      if (!session.getOutputNames().contains(OnnxExport.PROBABILITIES)) {
        session.close();
        throw new IllegalArgumentException(
            description + " has outputs " + session.getOutputNames() + ", not " + OnnxExport.PROBABILITIES
                + " (is it a bundle export?)");
      }
      takesTokenTypes = session.getInputNames().contains("token_type_ids");
    } catch (OrtException e) {
      throw new IllegalArgumentException("ONNX Runtime cannot load " + description + ": " + e.getMessage(), e);
    }
  }

  @Override
  public float[][] predict(List<long[]> batch, List<long[]> tokenTypeIds) {
    if (tokenTypeIds != null && !takesTokenTypes) {
      throw new IllegalStateException(description + " has no token_type_ids input, so it cannot read text pairs");
    }
    int rows = batch.size();
    int length = 1;
    for (long[] ids : batch) {
      length = Math.max(length, ids.length);
    }
    int size = rows * length;
    Buffers b = buffers.get();
    b.ensure(size);
    for (int r = 0; r < rows; r++) {
      long[] ids = batch.get(r);
      int offset = r * length;
      long[] types = tokenTypeIds == null ? null : tokenTypeIds.get(r);
      b.ids.put(offset, ids);
      for (int t = 0; t < length; t++) {
        b.mask.put(offset + t, t < ids.length ? 1L : 0L);
        b.types.put(offset + t, types != null && t < types.length ? types[t] : 0L);
        if (t >= ids.length) {
          b.ids.put(offset + t, 0L);
        }
      }
    }
    long[] shape = {rows, length};
    try (OnnxTensor ids = OnnxTensor.createTensor(env, b.ids.duplicate().position(0).limit(size), shape);
        OnnxTensor mask = OnnxTensor.createTensor(env, b.mask.duplicate().position(0).limit(size), shape);
        OnnxTensor types = OnnxTensor.createTensor(env, b.types.duplicate().position(0).limit(size), shape)) {
      Map<String, OnnxTensor> inputs =
          takesTokenTypes
              ? Map.of("input_ids", ids, "attention_mask", mask, "token_type_ids", types)
              : Map.of("input_ids", ids, "attention_mask", mask);
      try (OrtSession.Result result = session.run(inputs)) {
        OnnxTensor output = (OnnxTensor) result.get(0);
        long[] outShape = output.getInfo().getShape();
        if (outShape.length != 2 || outShape[0] != rows || outShape[1] != labels) {
          throw new IllegalStateException(
              description + " returned probabilities of shape " + Arrays.toString(outShape) + " for " + rows
                  + " sequences; the bundle has " + labels + " labels");
        }
        FloatBuffer probabilities = output.getFloatBuffer();
        float[][] out = new float[rows][labels];
        for (int r = 0; r < rows; r++) {
          probabilities.get(out[r]);
        }
        return out;
      }
    } catch (OrtException e) {
      throw new IllegalStateException("scoring a batch of " + rows + " x " + length + " with " + description + " failed", e);
    }
  }

  @Override
  public void close() {
    try {
      session.close();
    } catch (OrtException e) {
      throw new IllegalStateException("cannot close the ONNX Runtime session of " + description, e);
    }
  }
}
