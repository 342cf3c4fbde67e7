package io.sentimentpipeline.jobs;

import ai.djl.Device;
import org.apache.spark.resource.ResourceInformation;

/**
 * Where a training or scoring task computes: the first GPU Spark assigned to the task when CUDA can use it,
 * else the CPU. Spark's address is the CUDA ordinal on the executor, so two tasks sharing an
 * executor with two GPUs train on different cards.
 *
 * @param assigned the GPU address Spark gave the task, or null when it gave none
 */
public record TaskDevice(Device device, String assigned) {

  public static TaskDevice of(ResourceInformation gpus, int cudaDevices) {
    String assigned = gpus != null && gpus.addresses().length > 0 ? gpus.addresses()[0] : null;
    if (assigned != null && cudaDevices > 0) {
      return new TaskDevice(Device.gpu(Integer.parseInt(assigned)), assigned);
    }
    return new TaskDevice(Device.cpu(), assigned);
  }

  /** E.g. {@code gpu(1)}, {@code cpu}, or {@code cpu (gpu 0 assigned, no CUDA)} on a CPU-only test cluster. */
  @Override
  public String toString() {
    if (assigned != null && !device.isGpu()) {
      return "cpu (gpu " + assigned + " assigned, no CUDA)";
    }
    return device.toString();
  }
}
