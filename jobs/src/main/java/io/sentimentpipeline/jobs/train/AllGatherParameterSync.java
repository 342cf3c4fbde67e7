package io.sentimentpipeline.jobs.train;

import ai.djl.ndarray.NDArray;
import io.sentimentpipeline.udfs.train.ParameterSync;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Base64;
import java.util.List;
import org.apache.spark.BarrierTaskContext;

/**
 * Averages parameters across the tasks of a Spark barrier stage with {@link
 * BarrierTaskContext#allGather}: each task sends its parameters (as base64 chunks small enough for
 * Spark's RPC messages) and every task computes the same mean, so the replicas leave in step.
 */
final class AllGatherParameterSync implements ParameterSync {

  /** Floats per allGather message: 2M floats = 8 MB, 11 MB as base64, per task. */
  private static final int CHUNK = 2 << 20;

  @Override
  public void average(List<NDArray> parameters, long step) {
    BarrierTaskContext context = BarrierTaskContext.get();
    int tasks = context.getTaskInfos().length;
    if (tasks == 1) {
      return;
    }
    float[] mine = flatten(parameters);
    float[] sum = new float[mine.length];
    for (int offset = 0; offset < mine.length; offset += CHUNK) {
      int length = Math.min(CHUNK, mine.length - offset);
      String[] all = context.allGather(encode(mine, offset, length));
      for (String message : all) {
        FloatBuffer values = ByteBuffer.wrap(Base64.getDecoder().decode(message)).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        for (int i = 0; i < length; i++) {
          sum[offset + i] += values.get(i);
        }
      }
    }
    int offset = 0;
    for (NDArray parameter : parameters) {
      int size = Math.toIntExact(parameter.size());
      float[] mean = new float[size];
      for (int i = 0; i < size; i++) {
        mean[i] = sum[offset + i] / tasks;
      }
      parameter.set(mean);
      offset += size;
    }
  }

  private static float[] flatten(List<NDArray> parameters) {
    long total = parameters.stream().mapToLong(NDArray::size).sum();
    float[] flat = new float[Math.toIntExact(total)];
    int offset = 0;
    for (NDArray parameter : parameters) {
      float[] values = parameter.toFloatArray();
      System.arraycopy(values, 0, flat, offset, values.length);
      offset += values.length;
    }
    return flat;
  }

  private static String encode(float[] values, int offset, int length) {
    ByteBuffer bytes = ByteBuffer.allocate(4 * length).order(ByteOrder.LITTLE_ENDIAN);
    bytes.asFloatBuffer().put(values, offset, length);
    return Base64.getEncoder().encodeToString(bytes.array());
  }
}
