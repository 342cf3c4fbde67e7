package io.sentimentpipeline.udfs.train;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import io.sentimentpipeline.udfs.eval.ClassificationMetrics;
import io.sentimentpipeline.udfs.model.Scalar;
import io.sentimentpipeline.udfs.model.SentimentClassifier;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.function.Consumer;

/**
 * Fine-tunes a {@link SentimentClassifier} on one machine with DJL's PyTorch engine, with no Spark
 * in sight, so that the same loop serves a local run, a data-parallel replica (through {@link
 * ParameterSync}) and the tests.
 *
 * <p>Per epoch: a seeded, length-grouped shuffle; softmax cross-entropy (optionally weighted by
 * inverse class frequency); gradient accumulation; global-norm clipping; {@link AdamW} on a {@link
 * LinearWarmupSchedule}; then a validation pass (loss, accuracy, macro-F1), early stopping on
 * validation macro-F1 and a {@link TrainerCheckpoint}. The best epoch's parameters are in the model
 * when {@link #fit} returns.
 *
 * <p>Reproducible: epoch {@code e}'s shuffle derives from {@code config.seed()} and {@code e}, and
 * the engine's (process-wide) random generator is reseeded from them and the batch number before
 * each micro-batch's forward pass (dropout), so two runs with the same seed, data and thread count
 * give the same losses, a resumed run continues exactly where the checkpoint left it, and trainers
 * running in parallel threads do not disturb each other's dropout.
 *
 * <p>DJL 0.36's PyTorch engine allows one {@link GradientCollector} per JVM at a time; parallel
 * {@code fit} calls in one JVM therefore take turns for whole optimizer steps (a static lock; the
 * {@link ParameterSync} call is outside it, so replicas can meet at a barrier there). {@link
 * #predictProbabilities} needs no collector and runs without the lock.
 */
public final class SentimentTrainer {

  static final String ENGINE = "PyTorch";

  /**
   * Trainers running in parallel threads of one JVM (Spark tasks in one executor) take turns for
   * whole optimizer steps on this lock: DJL 0.36's PyTorch engine allows one open GradientCollector
   * per JVM (a static flag; a second one throws IllegalStateException).
   */
  private static final Object STEP_LOCK = new Object();

  private static final NDIndex ALL = new NDIndex("...");

  private final TrainerConfig config;
  private final List<String> labels;

  public SentimentTrainer(TrainerConfig config, List<String> labels) {
    if (labels.size() < 2) {
      throw new IllegalArgumentException("need at least two labels, got " + labels);
    }
    this.config = config;
    this.labels = List.copyOf(labels);
  }

  /**
   * Seeds DJL and PyTorch; call it before {@code model.initializeParameters} so that a randomly
   * initialised head (or encoder) is the same in every run.
   */
  public static void seedEngine(long seed) {
    Engine.getEngine(ENGINE).setRandomSeed(Long.hashCode(seed));
  }

  /**
   * Trains {@code model} (initialised, e.g. with imported encoder weights) and leaves the best
   * epoch's parameters in it.
   *
   * <p>When {@code checkpointDir} is not null, a checkpoint is written there after every epoch; if
   * one is already there, training resumes after its last epoch when it was written with the same
   * settings (see {@link #fingerprint}); one written with other settings is renamed aside (nothing
   * deleted) and training starts from the given model. A run that had already finished returns its
   * recorded history at once.
   *
   * @param validation may be empty: then every epoch counts as an improvement and the last one is kept
   * @param progress receives one line every ~10% of an epoch and one per epoch (after its checkpoint)
   */
  public TrainingHistory fit(
      SentimentClassifier model,
      List<TrainingExample> train,
      List<TrainingExample> validation,
      ParameterSync sync,
      Path checkpointDir,
      Consumer<String> progress) {
    checkInputs(model, train, validation);
    Map<String, Parameter> parameters = model.parametersByHuggingFaceName();
    List<Parameter> trainable = List.copyOf(parameters.values());
    float[] classWeights = config.classWeights() ? classWeights(train, labels.size()) : null;
    int batchesPerEpoch = Batches.count(train.size(), config.batchSize());
    long stepsPerEpoch = (batchesPerEpoch + config.accumulationSteps() - 1) / config.accumulationSteps();
    long totalSteps = config.epochs() * stepsPerEpoch;
    if (config.maxSteps() > 0) {
      totalSteps = Math.min(totalSteps, config.maxSteps());
    }
    LinearWarmupSchedule schedule =
        new LinearWarmupSchedule(config.learningRate(), totalSteps, config.warmupFraction());
    String fingerprint = fingerprint(train.size(), totalSteps, parameters.size());
    long reportEvery = Math.max(1, stepsPerEpoch / 10);

    boolean gradMode = GradMode.disable();
    try (NDManager manager = managerBeside(model)) {
      AdamW optimizer = new AdamW(parameters, config.weightDecay(), manager);
      RunState state = new RunState();
      if (checkpointDir != null) {
        Optional<TrainerCheckpoint> saved;
        try {
          saved = TrainerCheckpoint.load(checkpointDir, labels);
        } catch (IOException unreadable) { // an older format, or a file cut short
          Path aside = TrainerCheckpoint.setAside(checkpointDir);
          progress.accept("the checkpoint of an earlier run cannot be resumed (" + unreadable.getMessage()
              + "; kept as " + aside + "); training from the start.");
          saved = Optional.empty();
        }
        if (saved.isPresent() && !saved.get().fingerprint().equals(fingerprint)) {
          Path aside = TrainerCheckpoint.setAside(checkpointDir);
          progress.accept(
              "the checkpoint of an earlier run with other settings is not resumed (kept as " + aside
                  + "); training from the start.\n  checkpoint: " + saved.get().fingerprint()
                  + "\n  this run:   " + fingerprint);
        } else if (saved.isPresent()) {
          state = resume(saved.get(), trainable, optimizer);
          progress.accept(
              String.format(
                  Locale.ROOT,
                  "resuming from %s after epoch %d step %d",
                  TrainerCheckpoint.file(checkpointDir),
                  state.epochsCompleted,
                  state.step));
        }
      }
      long fitStart = System.nanoTime();
      long stepsThisFit = 0;
      double trainingSecondsThisFit = 0;
      for (int epoch = state.epochsCompleted + 1;
          epoch <= config.epochs() && !state.stoppedEarly && !capReached(state.step);
          epoch++) {
        long epochStart = System.nanoTime();
        long epochSeed = epochSeed(epoch);
        List<int[]> batches = Batches.training(train, config.batchSize(), new Random(epochSeed));
        double lossSum = 0;
        long samples = 0;
        long skipped = 0;
        int next = 0;
        while (next < batches.size() && !capReached(state.step)) {
          int groupEnd = Math.min(next + config.accumulationSteps(), batches.size());
          int groupSize = groupEnd - next;
          double norm;
          synchronized (STEP_LOCK) {
            try (NDManager step = manager.newSubManager()) {
              for (; next < groupEnd; next++) {
                int[] batch = batches.get(next);
                long dropoutSeed = epochSeed * 1_000_003L + next;
                lossSum +=
                    microBatch(model, train, batch, groupSize, classWeights, dropoutSeed, step)
                        * batch.length;
                samples += batch.length;
              }
              norm = update(trainable, optimizer, schedule.rate(state.step + 1), step);
            }
          }
          state.step++;
          stepsThisFit++;
          if (Double.isFinite(norm)) {
            state.nonFiniteInARow = 0;
          } else {
            skipped++;
            state.nonFiniteInARow++;
            progress.accept(
                String.format(
                    Locale.ROOT,
                    "epoch %d/%d step %d/%d skipped: gradient norm is %s (%d in a row, at most %d)",
                    epoch, config.epochs(), state.step, totalSteps, norm, state.nonFiniteInARow,
                    config.maxNonFiniteStepsInARow()));
            if (state.nonFiniteInARow >= config.maxNonFiniteStepsInARow()) {
              throw new IllegalStateException(
                  "gradient norm is " + norm + " in " + state.nonFiniteInARow + " optimizer steps in a"
                      + " row (up to step " + state.step + "; train.max-nonfinite-steps-in-a-row = "
                      + config.maxNonFiniteStepsInARow() + "): training diverged; lower"
                      + " train.learning-rate or train.max-grad-norm");
            }
          }
          if (state.step % config.syncEverySteps() == 0) {
            sync.average(arrays(trainable), state.step);
          }
          if (state.step % reportEvery == 0) {
            double seconds = seconds(epochStart);
            progress.accept(
                String.format(
                    Locale.ROOT,
                    "epoch %d/%d step %d/%d train_loss=%.4f samples/s=%.1f eta=%s",
                    epoch,
                    config.epochs(),
                    state.step,
                    totalSteps,
                    lossSum / samples,
                    samples / seconds,
                    eta(trainingSecondsThisFit + seconds, stepsThisFit, totalSteps - state.step)));
          }
        }
        double trainingSeconds = seconds(epochStart);
        trainingSecondsThisFit += trainingSeconds;
        Evaluation evaluation = evaluate(model, validation);
        double score = evaluation.metrics.macroF1();
        EpochResult result =
            new EpochResult(
                epoch,
                state.step,
                lossSum / samples,
                evaluation.loss,
                evaluation.metrics,
                samples / trainingSeconds,
                seconds(epochStart),
                skipped);
        state.history.add(result);
        state.epochsCompleted = epoch;
        if (validation.isEmpty() || score > state.bestScore) {
          state.bestScore = score;
          state.bestEpoch = epoch;
          state.bestParameters = values(trainable);
          state.epochsWithoutImprovement = 0;
        } else {
          state.epochsWithoutImprovement++;
          state.stoppedEarly = state.epochsWithoutImprovement >= config.patience();
        }
        if (checkpointDir != null) {
          state.toCheckpoint(fingerprint, trainable, optimizer).save(checkpointDir);
        }
        progress.accept(
            String.format(
                Locale.ROOT,
                "epoch %d/%d step %d/%d train_loss=%.4f val_loss=%.4f val_acc=%.3f val_macro_f1=%.3f"
                    + " samples/s=%.1f eta=%s%s%s",
                epoch,
                config.epochs(),
                state.step,
                totalSteps,
                result.trainLoss(),
                result.validationLoss(),
                evaluation.metrics.accuracy(),
                score,
                result.samplesPerSecond(),
                eta(trainingSecondsThisFit, stepsThisFit, totalSteps - state.step),
                skipped > 0 ? " skipped_steps=" + skipped : "",
                state.stoppedEarly
                    ? " (stopping: no better macro-F1 for " + config.patience() + " epochs)"
                    : ""));
      }
      if (state.bestParameters != null) {
        setValues(trainable, state.bestParameters);
      }
      progress.accept(
          String.format(
              Locale.ROOT,
              "done: best epoch %d val_macro_f1=%.3f after %d steps in %.1f s (this attempt)",
              state.bestEpoch,
              state.bestScore,
              state.step,
              seconds(fitStart)));
      return new TrainingHistory(state.history, state.bestEpoch, state.step, state.stoppedEarly);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or write the checkpoint in " + checkpointDir, e);
    } finally {
      GradMode.restore(gradMode);
    }
  }

  /**
   * Class probabilities (softmax) for each example, in input order, with dropout off. Examples are
   * batched by length internally.
   */
  public static float[][] predictProbabilities(
      SentimentClassifier model, List<TrainingExample> examples, int batchSize) {
    float[][] logits = predictLogits(model, examples, batchSize);
    float[][] probabilities = new float[logits.length][];
    for (int i = 0; i < logits.length; i++) {
      double logNorm = logSumExp(logits[i]);
      probabilities[i] = new float[logits[i].length];
      for (int c = 0; c < logits[i].length; c++) {
        probabilities[i][c] = (float) Math.exp(logits[i][c] - logNorm);
      }
    }
    return probabilities;
  }

  /** The most probable class of each example, in input order, with dropout off. */
  public static int[] predictClasses(SentimentClassifier model, List<TrainingExample> examples, int batchSize) {
    float[][] logits = predictLogits(model, examples, batchSize);
    int[] classes = new int[logits.length];
    for (int i = 0; i < logits.length; i++) {
      classes[i] = argmax(logits[i]);
    }
    return classes;
  }

  /** Logits for each example, in input order, with dropout off. */
  public static float[][] predictLogits(SentimentClassifier model, List<TrainingExample> examples, int batchSize) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be at least 1, got " + batchSize);
    }
    float[][] out = new float[examples.size()][];
    boolean gradMode = GradMode.disable();
    try (NDManager manager = managerBeside(model)) {
      for (int[] batch : Batches.inference(examples, batchSize)) {
        try (NDManager step = manager.newSubManager()) {
          NDList inputs = Batches.collate(step, examples, batch);
          NDArray logits =
              model.forward(new ParameterStore(step, false), inputs, false).singletonOrThrow();
          float[] flat = logits.toFloatArray();
          int classes = Math.toIntExact(logits.getShape().get(1));
          for (int row = 0; row < batch.length; row++) {
            float[] values = new float[classes];
            System.arraycopy(flat, row * classes, values, 0, classes);
            out[batch[row]] = values;
          }
        }
      }
    } finally {
      GradMode.restore(gradMode);
    }
    return out;
  }

  /**
   * A manager on the device the model's parameters live on, so that batches, optimizer state and
   * parameters meet on the same GPU (or the CPU) without the caller naming it twice.
   */
  private static NDManager managerBeside(SentimentClassifier model) {
    Device device =
        model.getParameters().values().stream()
            .filter(Parameter::isInitialized)
            .findFirst()
            .map(p -> p.getArray().getDevice())
            .orElse(null);
    return NDManager.newBaseManager(device, ENGINE);
  }

  /**
   * Inverse class frequency in {@code train}, normalised so that the classes present average 1
   * (absent classes get 1; they never weigh a loss term).
   */
  static float[] classWeights(List<TrainingExample> train, int numLabels) {
    long[] counts = new long[numLabels];
    for (TrainingExample example : train) {
      counts[example.label()]++;
    }
    double sum = 0;
    int present = 0;
    for (long count : counts) {
      if (count > 0) {
        sum += 1.0 / count;
        present++;
      }
    }
    float[] weights = new float[numLabels];
    for (int c = 0; c < numLabels; c++) {
      weights[c] = counts[c] > 0 ? (float) ((1.0 / counts[c]) / (sum / present)) : 1f;
    }
    return weights;
  }

  /**
   * Forward and backward of one micro-batch; gradients add up in the parameters. The loss is the
   * (class-weighted) mean over the micro-batch, divided by the number of micro-batches in this
   * optimizer step, so that accumulating equal micro-batches equals one big batch. Returns the
   * unscaled loss.
   */
  private float microBatch(
      SentimentClassifier model,
      List<TrainingExample> train,
      int[] batch,
      int groupSize,
      float[] classWeights,
      long dropoutSeed,
      NDManager step) {
    try (NDManager micro = step.newSubManager()) {
      NDList inputs = Batches.collate(micro, train, batch);
      int classes = labels.size();
      float[] targets = new float[batch.length * classes];
      int[] batchLabels = Batches.labels(train, batch);
      for (int row = 0; row < batch.length; row++) {
        int label = batchLabels[row];
        targets[row * classes + label] = classWeights == null ? 1f : classWeights[label];
      }
      NDArray target = micro.create(targets, new Shape(batch.length, classes));
      Engine.getEngine(ENGINE).setRandomSeed(Long.hashCode(dropoutSeed));
      try (GradientCollector collector = Engine.getEngine(ENGINE).newGradientCollector()) {
        NDArray logits =
            model.forward(new ParameterStore(micro, false), inputs, true).singletonOrThrow();
        // Constants through Scalar.like, not div(int): autograd keeps them for backward (see Scalar).
        NDArray loss = logits.logSoftmax(1).mul(target).sum().neg().div(Scalar.like(logits, batch.length));
        collector.backward(loss.div(Scalar.like(loss, groupSize)));
        return loss.getFloat();
      }
    }
  }

  /**
   * Clips the accumulated gradients by global norm, takes an AdamW step and zeroes the gradients;
   * returns the norm. When it is not finite the step is skipped: weights and optimizer state stay
   * as they were, and the gradients are zeroed all the same.
   */
  double update(List<Parameter> trainable, AdamW optimizer, float learningRate, NDManager step) {
    List<NDArray> gradients = new ArrayList<>();
    double squares = 0;
    for (Parameter parameter : trainable) {
      NDArray gradient = parameter.getArray().getGradient(); // a new handle on the same tensor
      gradient.attach(step);
      gradients.add(gradient);
      squares += gradient.square().sum().getFloat();
    }
    double norm = Math.sqrt(squares);
    if (Double.isFinite(norm)) {
      float scale = norm > config.maxGradNorm() ? (float) (config.maxGradNorm() / (norm + 1e-6)) : 1f;
      optimizer.update(gradients, scale, learningRate, step);
    }
    // PyTorch adds every backward pass into .grad and DJL never clears it: zero it here (by
    // assignment: g - g would keep a NaN).
    for (NDArray gradient : gradients) {
      gradient.set(ALL, 0f);
    }
    return norm;
  }

  private Evaluation evaluate(SentimentClassifier model, List<TrainingExample> validation) {
    float[][] logits = predictLogits(model, validation, config.batchSize() * 2);
    int[] actual = new int[validation.size()];
    int[] predicted = new int[validation.size()];
    double lossSum = 0;
    for (int i = 0; i < logits.length; i++) {
      actual[i] = validation.get(i).label();
      predicted[i] = argmax(logits[i]);
      lossSum += logSumExp(logits[i]) - logits[i][actual[i]];
    }
    double loss = validation.isEmpty() ? Double.NaN : lossSum / validation.size();
    return new Evaluation(loss, ClassificationMetrics.of(labels, actual, predicted));
  }

  private record Evaluation(double loss, ClassificationMetrics metrics) {}

  /**
   * The settings that fix a run's trajectory. A checkpoint is only resumed by a run with the same
   * fingerprint (patience and sync frequency may change).
   */
  private String fingerprint(int trainSize, long totalSteps, int parameterCount) {
    return String.format(
        Locale.ROOT,
        "train=%d labels=%s epochs=%d batch=%d accumulation=%d totalSteps=%d lr=%s weightDecay=%s"
            + " warmup=%s maxGradNorm=%s classWeights=%b seed=%d parameters=%d",
        trainSize,
        labels,
        config.epochs(),
        config.batchSize(),
        config.accumulationSteps(),
        totalSteps,
        config.learningRate(),
        config.weightDecay(),
        config.warmupFraction(),
        config.maxGradNorm(),
        config.classWeights(),
        config.seed(),
        parameterCount);
  }

  private RunState resume(TrainerCheckpoint checkpoint, List<Parameter> trainable, AdamW optimizer) {
    if (!checkpoint.names().equals(optimizer.names())) {
      throw new IllegalStateException("the checkpoint holds other parameters than the model");
    }
    setValues(trainable, checkpoint.parameters());
    optimizer.restore(checkpoint.firstMoments(), checkpoint.secondMoments(), checkpoint.step());
    RunState state = new RunState();
    state.epochsCompleted = checkpoint.epochsCompleted();
    state.step = checkpoint.step();
    state.bestEpoch = checkpoint.bestEpoch();
    state.bestScore = checkpoint.bestScore();
    state.epochsWithoutImprovement = checkpoint.epochsWithoutImprovement();
    state.stoppedEarly = checkpoint.stoppedEarly();
    state.history.addAll(checkpoint.history());
    state.bestParameters = checkpoint.bestParameters();
    return state;
  }

  /** Where a run stands; what a checkpoint saves besides parameters and moments. */
  private static final class RunState {
    int epochsCompleted;
    long step;
    int bestEpoch;
    double bestScore = Double.NEGATIVE_INFINITY;
    int epochsWithoutImprovement;
    boolean stoppedEarly;
    int nonFiniteInARow; // not checkpointed: a resumed run starts a new streak
    final List<EpochResult> history = new ArrayList<>();
    float[][] bestParameters;

    TrainerCheckpoint toCheckpoint(String fingerprint, List<Parameter> trainable, AdamW optimizer) {
      return new TrainerCheckpoint(
          fingerprint,
          epochsCompleted,
          step,
          bestEpoch,
          bestScore,
          epochsWithoutImprovement,
          stoppedEarly,
          history,
          optimizer.names(),
          values(trainable),
          optimizer.firstMoments(),
          optimizer.secondMoments(),
          bestParameters);
    }
  }

  private void checkInputs(
      SentimentClassifier model, List<TrainingExample> train, List<TrainingExample> validation) {
    if (model.numLabels() != labels.size()) {
      throw new IllegalArgumentException(
          "the model has " + model.numLabels() + " outputs but there are " + labels.size()
              + " labels " + labels);
    }
    if (train.isEmpty()) {
      throw new IllegalArgumentException("no training examples");
    }
    for (List<TrainingExample> examples : List.of(train, validation)) {
      for (TrainingExample example : examples) {
        if (example.label() < 0 || example.label() >= labels.size()) {
          throw new IllegalArgumentException(
              "example " + example.docId() + " has label " + example.label() + ", outside 0.."
                  + (labels.size() - 1));
        }
        if (example.inputIds().length == 0) {
          throw new IllegalArgumentException("example " + example.docId() + " has no tokens");
        }
      }
    }
    model
        .parametersByHuggingFaceName()
        .forEach(
            (name, parameter) -> {
              if (!parameter.isInitialized()) {
                throw new IllegalStateException(
                    "parameter " + name + " is not initialised: call model.initializeParameters first");
              }
            });
  }

  private boolean capReached(long step) {
    return config.maxSteps() > 0 && step >= config.maxSteps();
  }

  /** Seed of epoch {@code epoch}'s shuffle; its micro-batches' dropout seeds derive from it. */
  private long epochSeed(int epoch) {
    return config.seed() * 1_000_003L + epoch;
  }

  private static List<NDArray> arrays(List<Parameter> parameters) {
    List<NDArray> arrays = new ArrayList<>();
    for (Parameter parameter : parameters) {
      arrays.add(parameter.getArray());
    }
    return arrays;
  }

  static float[][] values(List<Parameter> parameters) {
    float[][] values = new float[parameters.size()][];
    for (int i = 0; i < parameters.size(); i++) {
      values[i] = parameters.get(i).getArray().toFloatArray();
    }
    return values;
  }

  private static void setValues(List<Parameter> parameters, float[][] values) {
    for (int i = 0; i < parameters.size(); i++) {
      parameters.get(i).getArray().set(values[i]);
    }
  }

  private static int argmax(float[] values) {
    int best = 0;
    for (int i = 1; i < values.length; i++) {
      if (values[i] > values[best]) {
        best = i;
      }
    }
    return best;
  }

  private static double logSumExp(float[] values) {
    double max = Double.NEGATIVE_INFINITY;
    for (float value : values) {
      max = Math.max(max, value);
    }
    double sum = 0;
    for (float value : values) {
      sum += Math.exp(value - max);
    }
    return max + Math.log(sum);
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  private static String eta(double secondsSoFar, long stepsSoFar, long stepsLeft) {
    if (stepsSoFar == 0) {
      return "?";
    }
    long seconds = Math.round(secondsSoFar / stepsSoFar * stepsLeft);
    return String.format(
        Locale.ROOT, "%02d:%02d:%02d", seconds / 3600, (seconds / 60) % 60, seconds % 60);
  }
}
