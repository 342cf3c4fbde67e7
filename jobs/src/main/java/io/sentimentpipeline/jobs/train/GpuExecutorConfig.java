package io.sentimentpipeline.jobs.train;

import io.sentimentpipeline.jobs.config.ConfigError;

/**
 * The executors the training stage asks for under dynamic allocation ({@code train.gpu-executor}):
 * stage-level scheduling then starts GPU executors for training only, and the rest of the pipeline
 * keeps its CPU executors. Without dynamic allocation Spark cannot start new executors for a stage,
 * so training runs on the application's own executors, which must then have GPUs.
 */
public record GpuExecutorConfig(int cores, String memory, String memoryOverhead, int gpus, String discoveryScript, String vendor) {

  public GpuExecutorConfig {
    if (cores < 1) {
      throw new ConfigError("train.gpu-executor.cores", "must be at least 1, got " + cores);
    }
    if (gpus < 1) {
      throw new ConfigError("train.gpu-executor.gpus", "must be at least 1, got " + gpus);
    }
  }
}
