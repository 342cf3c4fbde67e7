package io.sentimentpipeline.udfs.train;

import static io.sentimentpipeline.udfs.train.TrainingFixtures.LABELS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import io.sentimentpipeline.udfs.model.Pooling;
import io.sentimentpipeline.udfs.model.SentimentClassifier;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fine-tuning loop on a tiny random encoder with real DJL PyTorch; nothing is mocked. */
class SentimentTrainerTest {

  private static final List<TrainingExample> TRAIN = TrainingFixtures.separable(360, 1);
  private static final List<TrainingExample> VALIDATION = TrainingFixtures.separable(120, 2);
  private static final List<TrainingExample> SMALL_TRAIN = TrainingFixtures.separable(160, 3);
  private static final List<TrainingExample> SMALL_VALIDATION = TrainingFixtures.separable(48, 4);

  private static NDManager manager;

  @BeforeAll
  static void startEngine() {
    manager = Engine.getEngine("PyTorch").newBaseManager();
  }

  @AfterAll
  static void closeEngine() {
    manager.close();
  }

  private static TrainerConfig config(
      int epochs, int batch, int accumulation, float lr, float weightDecay, float warmup,
      float maxGradNorm, int patience, long maxSteps, float dropout, int syncEvery) {
    return new TrainerConfig(
        epochs, batch, accumulation, lr, weightDecay, warmup, maxGradNorm, false, patience, 42L,
        maxSteps, Pooling.MEAN, dropout, syncEvery);
  }

  private static TrainingHistory fit(
      TrainerConfig config, SentimentClassifier model, List<TrainingExample> train,
      List<TrainingExample> validation, ParameterSync sync, Path dir, Consumer<String> progress) {
    return new SentimentTrainer(config, LABELS).fit(model, train, validation, sync, dir, progress);
  }

  private static float[][] values(SentimentClassifier model) {
    return SentimentTrainer.values(List.copyOf(model.parametersByHuggingFaceName().values()));
  }

  private static double maxAbsDifference(float[][] a, float[][] b) {
    double max = 0;
    for (int i = 0; i < a.length; i++) {
      for (int j = 0; j < a[i].length; j++) {
        max = Math.max(max, Math.abs(a[i][j] - b[i][j]));
      }
    }
    return max;
  }

  private static double l2Difference(float[][] a, float[][] b) {
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      for (int j = 0; j < a[i].length; j++) {
        double d = a[i][j] - b[i][j];
        sum += d * d;
      }
    }
    return Math.sqrt(sum);
  }

  private static List<Double> losses(TrainingHistory history) {
    List<Double> losses = new ArrayList<>();
    for (EpochResult epoch : history.epochs()) {
      losses.add(epoch.trainLoss());
      losses.add(epoch.validationLoss());
    }
    return losses;
  }

  @Test
  void learnsSeparableDataWithoutGrowingTheModelsManager() {
    try (NDManager models = manager.newSubManager()) {
      SentimentClassifier model = TrainingFixtures.model(models, 7, 0.1f);
      int managedBefore = models.getManagedArrays().size();
      List<String> lines = new ArrayList<>();
      TrainingHistory history =
          fit(TrainingFixtures.config(4, 16, 1, 2e-3f), model, TRAIN, VALIDATION,
              ParameterSync.none(), null, lines::add);

      lines.forEach(System.out::println);
      assertThat(history.best().validation().macroF1()).isGreaterThan(0.9);
      assertThat(history.epochs()).hasSize(4);
      assertThat(history.steps()).isEqualTo(4 * 23); // ceil(360 / 16) steps per epoch
      assertThat(lines)
          .anyMatch(line -> line.matches(
              "epoch 4/4 step 92/92 train_loss=\\S+ val_loss=\\S+ val_acc=\\S+ val_macro_f1=\\S+"
                  + " samples/s=\\S+ eta=\\d\\d:\\d\\d:\\d\\d"))
          .anyMatch(line -> line.matches("epoch 1/4 step 2/92 train_loss=\\S+ samples/s=\\S+ eta=.*"));
      // The kept weights are the best epoch's: scoring them again reproduces its macro-F1.
      float[][] probabilities = SentimentTrainer.predictProbabilities(model, VALIDATION, 32);
      int correct = 0;
      for (int i = 0; i < probabilities.length; i++) {
        int argmax = 0;
        for (int c = 1; c < 3; c++) {
          argmax = probabilities[i][c] > probabilities[i][argmax] ? c : argmax;
        }
        correct += argmax == VALIDATION.get(i).label() ? 1 : 0;
      }
      assertThat((double) correct / VALIDATION.size()).isEqualTo(history.best().validation().accuracy());
      // Gradient handles and temporaries never land in the parameters' manager.
      assertThat(models.getManagedArrays()).hasSize(managedBefore);
    }
  }

  @Test
  void shuffledLabelsStayNearChance() {
    try (NDManager models = manager.newSubManager()) {
      SentimentClassifier model = TrainingFixtures.model(models, 7, 0.1f);
      TrainingHistory history =
          fit(TrainingFixtures.config(3, 16, 1, 2e-3f), model,
              TrainingFixtures.shuffledLabels(TRAIN, 5), VALIDATION, ParameterSync.none(), null,
              line -> {});
      assertThat(history.best().validation().macroF1()).isLessThan(0.6);
    }
  }

  @Test
  void sameSeedGivesIdenticalLosses() {
    List<List<Double>> runs = new ArrayList<>();
    for (int run = 0; run < 2; run++) {
      try (NDManager models = manager.newSubManager()) {
        SentimentClassifier model = TrainingFixtures.model(models, 7, 0.1f);
        runs.add(losses(fit(TrainingFixtures.config(2, 16, 1, 2e-3f), model, SMALL_TRAIN,
            SMALL_VALIDATION, ParameterSync.none(), null, line -> {})));
      }
    }
    assertThat(runs.get(1)).isEqualTo(runs.get(0));
  }

  @Test
  void parallelFitsInOneJvmTakeTurnsAndMatchASequentialFit() throws Exception {
    // Spark runs data-parallel replicas as threads of one executor JVM; DJL 0.36 allows one
    // gradient collector per JVM and PyTorch has one random generator per process.
    TrainerConfig config = TrainingFixtures.config(2, 16, 1, 2e-3f);
    List<Double> sequential;
    try (NDManager models = manager.newSubManager()) {
      sequential = losses(fit(config, TrainingFixtures.model(models, 7, 0.1f), SMALL_TRAIN,
          SMALL_VALIDATION, ParameterSync.none(), null, line -> {}));
    }
    try (NDManager models = manager.newSubManager()) {
      SentimentClassifier first = TrainingFixtures.model(models, 7, 0.1f);
      SentimentClassifier second = TrainingFixtures.model(models, 7, 0.1f);
      java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
      try {
        var a = pool.submit(() -> fit(config, first, SMALL_TRAIN, SMALL_VALIDATION,
            ParameterSync.none(), null, line -> {}));
        var b = pool.submit(() -> fit(config, second, SMALL_TRAIN, SMALL_VALIDATION,
            ParameterSync.none(), null, line -> {}));
        assertThat(losses(a.get())).isEqualTo(sequential);
        assertThat(losses(b.get())).isEqualTo(sequential);
      } finally {
        pool.shutdown();
      }
    }
  }

  @Test
  void garbageCollectionDuringParallelFitsChangesNothing() throws Exception {
    // Issue 9: under load (two Spark tasks in one executor JVM, frequent GCs) gradients came out
    // NaN/Inf at random steps while the losses were right: a scalar that autograd kept for backward
    // lived in a Java direct buffer that DJL had already released (see Scalar). A GC every
    // millisecond makes that certain within a few steps.
    TrainerConfig config = TrainingFixtures.config(3, 8, 1, 2e-3f);
    List<Double> quiet;
    try (NDManager models = manager.newSubManager()) {
      quiet = losses(fit(config, TrainingFixtures.model(models, 7, 0.1f), SMALL_TRAIN,
          SMALL_VALIDATION, ParameterSync.none(), null, line -> {}));
    }
    java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
    Thread collector = new Thread(() -> {
      while (!done.get()) {
        System.gc();
        java.util.concurrent.locks.LockSupport.parkNanos(1_000_000L);
      }
    });
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
    try (NDManager models = manager.newSubManager()) {
      SentimentClassifier first = TrainingFixtures.model(models, 7, 0.1f);
      SentimentClassifier second = TrainingFixtures.model(models, 7, 0.1f);
      collector.start();
      var a = pool.submit(() -> fit(config, first, SMALL_TRAIN, SMALL_VALIDATION,
          ParameterSync.none(), null, line -> {}));
      var b = pool.submit(() -> fit(config, second, SMALL_TRAIN, SMALL_VALIDATION,
          ParameterSync.none(), null, line -> {}));
      assertThat(losses(a.get())).as("first replica").isEqualTo(quiet);
      assertThat(losses(b.get())).as("second replica").isEqualTo(quiet);
    } finally {
      done.set(true);
      pool.shutdown();
    }
  }

  @Test
  void aStepWithNonFiniteGradientsChangesNeitherWeightsNorOptimizerState() {
    boolean gradMode = GradMode.disable();
    try (NDManager models = manager.newSubManager(); NDManager step = manager.newSubManager()) {
      SentimentClassifier model = TrainingFixtures.model(models, 7, 0f);
      Map<String, Parameter> parameters = model.parametersByHuggingFaceName();
      List<Parameter> trainable = List.copyOf(parameters.values());
      AdamW optimizer = new AdamW(parameters, 0.01f, step);
      float[][] before = values(model);
      NDArray head = parameters.get("classifier.weight").getArray();
      try (var collector = Engine.getEngine("PyTorch").newGradientCollector()) {
        collector.backward(head.mul(step.create(Float.NaN)).sum());
      }
      SentimentTrainer trainer = new SentimentTrainer(TrainingFixtures.config(1, 16, 1, 1e-3f), LABELS);
      double norm = trainer.update(trainable, optimizer, 1e-3f, step);

      assertThat(norm).isNaN();
      assertThat(maxAbsDifference(values(model), before)).as("weights").isZero();
      assertThat(optimizer.updates()).as("AdamW step count").isZero();
      for (float[][] moments : List.of(optimizer.firstMoments(), optimizer.secondMoments())) {
        for (float[] moment : moments) {
          assertThat(moment).as("AdamW moments").containsOnly(0f);
        }
      }
      assertThat(head.getGradient().toFloatArray()).as("gradient cleared for the next step").containsOnly(0f);
    } finally {
      GradMode.restore(gradMode);
    }
  }

  @Test
  void nonFiniteStepsAreSkippedAndCountedAndTooManyInARowFailTheRun() {
    // From step 2 on the weights are NaN, so every later gradient is.
    ParameterSync poison = (arrays, step) -> {
      if (step == 2) {
        arrays.forEach(a -> a.muli(Float.NaN));
      }
    };
    try (NDManager models = manager.newSubManager()) {
      TrainerConfig five = new TrainerConfig(
          1, 16, 1, 1e-3f, 0f, 0f, 1f, false, 10, 42L, 5, Pooling.MEAN, 0f, 1, 5);
      List<String> lines = new ArrayList<>();
      TrainingHistory history = fit(five, TrainingFixtures.model(models, 7, 0f), SMALL_TRAIN,
          SMALL_VALIDATION, poison, null, lines::add);
      assertThat(history.steps()).isEqualTo(5);
      assertThat(history.epochs().get(0).skippedSteps()).isEqualTo(3);
      assertThat(lines).filteredOn(line -> line.contains("skipped: gradient norm is NaN")).hasSize(3);
      assertThat(lines).anyMatch(line -> line.startsWith("epoch 1/1 step 5/5") && line.contains("skipped_steps=3"));
    }
    try (NDManager models = manager.newSubManager()) {
      TrainerConfig two = new TrainerConfig(
          1, 16, 1, 1e-3f, 0f, 0f, 1f, false, 10, 42L, 5, Pooling.MEAN, 0f, 1, 2);
      assertThatThrownBy(() -> fit(two, TrainingFixtures.model(models, 7, 0f), SMALL_TRAIN,
              SMALL_VALIDATION, poison, null, line -> {}))
          .hasMessageContaining("2 optimizer steps in a row (up to step 4;")
          .hasMessageContaining("train.max-nonfinite-steps-in-a-row = 2");
    }
  }

  @Test
  void resumedRunEndsWhereAnUninterruptedRunEnds(@TempDir Path dir) throws IOException {
    TrainerConfig config = config(3, 16, 2, 2e-3f, 0.01f, 0.1f, 1f, 10, 0, 0.1f, 1);
    float[][] straight;
    List<Double> straightLosses;
    try (NDManager models = manager.newSubManager()) {
      SentimentClassifier model = TrainingFixtures.model(models, 7, 0.1f);
      straightLosses = losses(fit(config, model, SMALL_TRAIN, SMALL_VALIDATION,
          ParameterSync.none(), null, line -> {}));
      straight = values(model);
    }
    // First attempt: "crashes" right after epoch 1 (its checkpoint is written before the line).
    try (NDManager models = manager.newSubManager()) {
      SentimentClassifier model = TrainingFixtures.model(models, 7, 0.1f);
      assertThatThrownBy(() -> fit(config, model, SMALL_TRAIN, SMALL_VALIDATION,
              ParameterSync.none(), dir, line -> {
                if (line.startsWith("epoch 1/3") && line.contains("val_loss")) {
                  throw new IllegalStateException("killed");
                }
              }))
          .hasMessage("killed");
    }
    assertThat(dir.resolve(TrainerCheckpoint.FILE_NAME)).exists();
    // Second attempt: a freshly (differently) initialised model, same settings and directory.
    try (NDManager models = manager.newSubManager()) {
      SentimentClassifier model = TrainingFixtures.model(models, 99, 0.1f);
      List<String> lines = new ArrayList<>();
      TrainingHistory resumed =
          fit(config, model, SMALL_TRAIN, SMALL_VALIDATION, ParameterSync.none(), dir, lines::add);
      assertThat(lines.get(0)).startsWith("resuming from").contains("after epoch 1 step 5");
      assertThat(resumed.epochs()).extracting(EpochResult::epoch).containsExactly(1, 2, 3);
      assertThat(losses(resumed)).hasSize(6);
      for (int i = 0; i < 6; i++) {
        assertThat(losses(resumed).get(i)).isCloseTo(straightLosses.get(i), within(1e-5));
      }
      assertThat(maxAbsDifference(values(model), straight)).isLessThan(1e-5);
    }
    // Other settings do not resume (no mixing of runs): the checkpoint is set aside, training starts over.
    byte[] earlier = Files.readAllBytes(dir.resolve(TrainerCheckpoint.FILE_NAME));
    try (NDManager models = manager.newSubManager()) {
      SentimentClassifier model = TrainingFixtures.model(models, 7, 0.1f);
      TrainerConfig other = config(3, 8, 2, 2e-3f, 0.01f, 0.1f, 1f, 10, 0, 0.1f, 1);
      List<String> lines = new ArrayList<>();
      TrainingHistory fresh = fit(other, model, SMALL_TRAIN, SMALL_VALIDATION, ParameterSync.none(), dir, lines::add);
      assertThat(lines.get(0)).contains("other settings", "not resumed", ".other-settings");
      assertThat(lines).noneMatch(line -> line.startsWith("resuming"));
      assertThat(fresh.epochs()).extracting(EpochResult::epoch).containsExactly(1, 2, 3);
      assertThat(dir.resolve(TrainerCheckpoint.FILE_NAME + ".other-settings")).as("nothing deleted").hasBinaryContent(earlier);
    }
  }

  @Test
  void accumulatingTwoHalfBatchesEqualsOneBatch() {
    List<TrainingExample> eight = SMALL_TRAIN.subList(0, 8);
    float[][] initial = null;
    List<float[][]> after = new ArrayList<>();
    for (int[] batchAndAccumulation : new int[][] {{8, 1}, {4, 2}}) {
      try (NDManager models = manager.newSubManager()) {
        SentimentClassifier model = TrainingFixtures.model(models, 7, 0f);
        initial = values(model);
        TrainerConfig config = config(1, batchAndAccumulation[0], batchAndAccumulation[1], 1e-3f,
            0.01f, 0f, 1f, 10, 0, 0f, 1);
        TrainingHistory history =
            fit(config, model, eight, SMALL_VALIDATION, ParameterSync.none(), null, line -> {});
        assertThat(history.steps()).isEqualTo(1);
        after.add(values(model));
      }
    }
    assertThat(maxAbsDifference(after.get(0), initial)).isGreaterThan(5e-4);
    assertThat(maxAbsDifference(after.get(0), after.get(1))).isLessThan(1e-5);
  }

  @Test
  void clippingBoundsTheFirstStep() {
    // Adam divides by |g|, so clipping only shows once |g| falls below epsilon: then each weight
    // moves by at most lr * |g_i| / eps and the whole step by lr * maxGradNorm / eps.
    float lr = 1e-3f;
    float tinyNorm = 1e-9f;
    double[] change = new double[2];
    for (int run = 0; run < 2; run++) {
      try (NDManager models = manager.newSubManager()) {
        SentimentClassifier model = TrainingFixtures.model(models, 7, 0f);
        float[][] before = values(model);
        TrainerConfig config =
            config(1, 16, 1, lr, 0f, 0f, run == 0 ? tinyNorm : 1e6f, 10, 1, 0f, 1);
        fit(config, model, SMALL_TRAIN, SMALL_VALIDATION, ParameterSync.none(), null, line -> {});
        change[run] = l2Difference(values(model), before);
      }
    }
    assertThat(change[0]).isLessThanOrEqualTo(lr * tinyNorm / AdamW.EPSILON * 1.01).isGreaterThan(0);
    assertThat(change[1]).isGreaterThan(100 * change[0]);
  }

  @Test
  void earlyStoppingEndsAfterPatienceEpochsWithoutImprovement() {
    try (NDManager models = manager.newSubManager()) {
      SentimentClassifier model = TrainingFixtures.model(models, 7, 0.1f);
      // A learning rate too small to change any prediction: macro-F1 never improves after epoch 1.
      TrainerConfig config = config(10, 32, 1, 1e-9f, 0f, 0f, 1f, 2, 0, 0.1f, 1);
      TrainingHistory history = fit(config, model, SMALL_TRAIN, SMALL_VALIDATION,
          ParameterSync.none(), null, line -> {});
      assertThat(history.stoppedEarly()).isTrue();
      assertThat(history.epochs()).hasSize(3);
      assertThat(history.bestEpoch()).isEqualTo(1);
      assertThat(history.steps()).isEqualTo(3 * 5);
    }
  }

  @Test
  void maxStepsStopsMidEpochAfterAValidationPass() {
    try (NDManager models = manager.newSubManager()) {
      SentimentClassifier model = TrainingFixtures.model(models, 7, 0.1f);
      // (with class weights, which this data does not need but the loss must accept)
      TrainerConfig config = new TrainerConfig(
          3, 16, 1, 2e-3f, 0.01f, 0.1f, 1f, true, 10, 42L, 5, Pooling.MEAN, 0.1f, 1);
      TrainingHistory history = fit(config, model, SMALL_TRAIN, SMALL_VALIDATION,
          ParameterSync.none(), null, line -> {});
      assertThat(history.steps()).isEqualTo(5);
      assertThat(history.epochs()).hasSize(1);
      assertThat(history.epochs().get(0).step()).isEqualTo(5);
      assertThat(history.epochs().get(0).validation().total()).isEqualTo(SMALL_VALIDATION.size());
      assertThat(history.stoppedEarly()).isFalse();
    }
  }

  @Test
  void syncIsCalledEveryNStepsWithAllParameters() {
    try (NDManager models = manager.newSubManager()) {
      SentimentClassifier model = TrainingFixtures.model(models, 7, 0.1f);
      List<Parameter> parameters = List.copyOf(model.parametersByHuggingFaceName().values());
      List<Long> steps = new ArrayList<>();
      List<Boolean> allParameters = new ArrayList<>();
      ParameterSync recorder = (arrays, step) -> {
        steps.add(step);
        boolean same = arrays.size() == parameters.size();
        for (int i = 0; same && i < arrays.size(); i++) {
          same = arrays.get(i) == parameters.get(i).getArray();
        }
        allParameters.add(same);
      };
      TrainerConfig config = config(2, 16, 1, 2e-3f, 0.01f, 0.1f, 1f, 10, 14, 0.1f, 3);
      fit(config, model, SMALL_TRAIN, SMALL_VALIDATION, recorder, null, line -> {});
      assertThat(steps).containsExactly(3L, 6L, 9L, 12L);
      assertThat(allParameters).containsOnly(true);
    }
  }

  @Test
  void syncedValuesAreWhatTrainingContinuesFrom() {
    // A "replica group" that zeroes every parameter at the last step: the sync writes in place,
    // and the model returned holds what the sync left (best epoch = this one).
    try (NDManager models = manager.newSubManager()) {
      SentimentClassifier model = TrainingFixtures.model(models, 7, 0f);
      ParameterSync zeroing = (arrays, step) -> arrays.forEach(a -> a.subi(a));
      TrainerConfig config = config(1, 16, 1, 2e-3f, 0f, 0f, 1f, 10, 2, 0f, 2);
      fit(config, model, SMALL_TRAIN, SMALL_VALIDATION, zeroing, null, line -> {});
      for (float[] values : values(model)) {
        for (float value : values) {
          assertThat(value).isZero();
        }
      }
    }
  }

  @Test
  void predictProbabilitiesKeepsInputOrderAndSumsToOne() {
    try (NDManager models = manager.newSubManager()) {
      SentimentClassifier model = TrainingFixtures.model(models, 7, 0.1f);
      List<TrainingExample> examples = SMALL_VALIDATION.subList(0, 20);
      float[][] batched = SentimentTrainer.predictProbabilities(model, examples, 6);
      assertThat(batched).hasNumberOfRows(20);
      for (int i = 0; i < examples.size(); i++) {
        float[] alone = SentimentTrainer.predictProbabilities(model, List.of(examples.get(i)), 1)[0];
        float sum = 0;
        for (int c = 0; c < 3; c++) {
          assertThat(batched[i][c]).isCloseTo(alone[c], within(1e-5f));
          sum += batched[i][c];
        }
        assertThat(sum).isCloseTo(1f, within(1e-5f));
      }
    }
  }

  @Test
  void djlAddsGradientsOfSuccessiveBackwardCalls() {
    // The fact the trainer relies on (and why it zeroes gradients itself after each step).
    try (NDManager step = manager.newSubManager()) {
      NDArray x = step.create(new float[] {1f, 2f});
      x.setRequiresGradient(true);
      for (int i = 0; i < 2; i++) {
        try (var collector = Engine.getEngine("PyTorch").newGradientCollector()) {
          collector.backward(x.mul(3f).sum());
        }
      }
      assertThat(x.getGradient().toFloatArray()).containsExactly(6f, 6f);
    }
  }

  @Test
  void checkpointDirectoryIsCreatedAndHoldsOneFile(@TempDir Path tmp) throws Exception {
    Path dir = tmp.resolve("nested/checkpoints");
    try (NDManager models = manager.newSubManager()) {
      SentimentClassifier model = TrainingFixtures.model(models, 7, 0.1f);
      TrainerConfig config = config(1, 16, 1, 2e-3f, 0.01f, 0.1f, 1f, 10, 3, 0.1f, 1);
      TrainingHistory first =
          fit(config, model, SMALL_TRAIN, SMALL_VALIDATION, ParameterSync.none(), dir, line -> {});
      try (var files = Files.list(dir)) {
        assertThat(files.map(p -> p.getFileName().toString()))
            .containsExactly(TrainerCheckpoint.FILE_NAME);
      }
      // Rerunning a finished run returns its history without training further.
      TrainingHistory again =
          fit(config, model, SMALL_TRAIN, SMALL_VALIDATION, ParameterSync.none(), dir, line -> {});
      assertThat(again.steps()).isEqualTo(first.steps());
      assertThat(losses(again)).isEqualTo(losses(first));
    }
  }
}
