package io.sentimentpipeline.jobs.train;

import io.sentimentpipeline.jobs.config.ConfigError;
import io.sentimentpipeline.jobs.config.Domain;
import io.sentimentpipeline.jobs.config.Target;
import io.sentimentpipeline.jobs.tokenize.TokenizeConfig;
import io.sentimentpipeline.udfs.train.TrainerConfig;

/**
 * The fine-tuning stage ({@code train.*}): which domain, the optimisation settings, the split and
 * baseline, how many data-parallel tasks (and GPUs per task, and the GPU executors to ask for under
 * dynamic allocation), and the promotion margin. {@code
 * encoderWeights} is where the pretrained encoder named by {@code tokenize.encoder} comes from;
 * {@code checkpointDir} is an executor-local folder for per-epoch checkpoints ("" = none); {@code
 * target} is what the model classifies ({@code train.target}: a document, or an entity of one).
 */
public record TrainConfig(
    Domain domain,
    TrainerConfig trainer,
    SplitConfig split,
    BaselineConfig baseline,
    int tasks,
    int gpusPerTask,
    GpuExecutorConfig gpuExecutor,
    double promotionMargin,
    String encoderWeights,
    String checkpointDir,
    TokenizeConfig tokenize,
    Target target) {

  public TrainConfig {
    if (tasks < 1) {
      throw new ConfigError("train.tasks", "must be at least 1, got " + tasks);
    }
    if (gpusPerTask < 0) {
      throw new ConfigError("train.gpus-per-task", "must not be negative, got " + gpusPerTask);
    }
    if (promotionMargin < 0) {
      throw new ConfigError("train.promotion-margin", "must not be negative, got " + promotionMargin);
    }
  }

  /** This configuration for another domain (the CLI's {@code --domain}). */
  public TrainConfig withDomain(Domain other) {
    return new TrainConfig(other, trainer, split, baseline, tasks, gpusPerTask, gpuExecutor, promotionMargin, encoderWeights, checkpointDir, tokenize, target);
  }

  /** This configuration training another target (the CLI's {@code --target}). */
  public TrainConfig withTarget(Target other) {
    return new TrainConfig(domain, trainer, split, baseline, tasks, gpusPerTask, gpuExecutor, promotionMargin, encoderWeights, checkpointDir, tokenize, other);
  }

  /** This configuration with another trainer (the CLI's {@code --max-steps}, the demo's epochs). */
  public TrainConfig withTrainer(TrainerConfig other) {
    return new TrainConfig(domain, other, split, baseline, tasks, gpusPerTask, gpuExecutor, promotionMargin, encoderWeights, checkpointDir, tokenize, target);
  }
}
