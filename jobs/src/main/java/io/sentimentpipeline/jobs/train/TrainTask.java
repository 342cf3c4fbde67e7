package io.sentimentpipeline.jobs.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import io.sentimentpipeline.jobs.TaskDevice;
import io.sentimentpipeline.udfs.eval.ClassificationMetrics;
import io.sentimentpipeline.udfs.model.BertEncoder;
import io.sentimentpipeline.udfs.model.EncoderImporter;
import io.sentimentpipeline.udfs.model.FloatTensor;
import io.sentimentpipeline.udfs.model.SafetensorsWriter;
import io.sentimentpipeline.udfs.model.SentimentClassifier;
import io.sentimentpipeline.udfs.score.TemperatureScaling;
import io.sentimentpipeline.udfs.train.SentimentTrainer;
import io.sentimentpipeline.udfs.train.TrainerConfig;
import io.sentimentpipeline.udfs.train.TrainingExample;
import io.sentimentpipeline.udfs.train.TrainingHistory;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.BarrierTaskContext;
import org.apache.spark.broadcast.Broadcast;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.collection.JavaConverters;
import scala.runtime.AbstractFunction1;

/**
 * One task of the training barrier stage: fine-tunes a replica on its shard of the training set,
 * averaging parameters with the other tasks every few steps. Task 0 then scores the test set and
 * returns the weights; the others return only their history.
 */
final class TrainTask
    extends AbstractFunction1<scala.collection.Iterator<TrainingExample>, scala.collection.Iterator<TrainTask.Outcome>>
    implements Serializable {

  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(TrainTask.class);

  /** What a task sends back to the driver. Weights and test metrics come from task 0 only. */
  record Outcome(
      int partition,
      String device,
      TrainingHistory history,
      ClassificationMetrics test,
      double temperature,
      Map<String, FloatTensor> weights,
      String encoderConfigJson)
      implements Serializable {}

  private final TrainerConfig config;
  private final List<String> labels;
  private final String encoderWeights;
  private final String checkpointDir;
  private final Broadcast<List<TrainingExample>> validation;
  private final Broadcast<List<TrainingExample>> test;

  TrainTask(
      TrainerConfig config,
      List<String> labels,
      String encoderWeights,
      String checkpointDir,
      Broadcast<List<TrainingExample>> validation,
      Broadcast<List<TrainingExample>> test) {
    this.config = config;
    this.labels = List.copyOf(labels);
    this.encoderWeights = encoderWeights;
    this.checkpointDir = checkpointDir;
    this.validation = validation;
    this.test = test;
  }

  @Override
  public scala.collection.Iterator<Outcome> apply(scala.collection.Iterator<TrainingExample> shardIterator) {
    BarrierTaskContext context = BarrierTaskContext.get();
    int partition = context.partitionId();
    List<TrainingExample> shard = new ArrayList<>(JavaConverters.seqAsJavaList(shardIterator.toSeq()));
    shard.sort(Comparator.comparing(TrainingExample::docId)); // the trainer's seeded shuffle then repeats
    TaskDevice device = TaskDevice.of(context.resourcesJMap().get("gpu"), Engine.getEngine("PyTorch").getGpuCount());
    LOG.info("Training task {} of {}: {} examples on {}", partition, context.getTaskInfos().length, shard.size(), device);

    SentimentTrainer.seedEngine(config.seed());
    try (NDManager manager = NDManager.newBaseManager(device.device(), "PyTorch")) {
      BertEncoder encoder = EncoderImporter.load(encoderWeights, manager);
      SentimentClassifier model = new SentimentClassifier(encoder, config.pooling(), labels.size(), config.dropout());
      model.initializeParameters(manager);
      TrainingHistory history =
          new SentimentTrainer(config, labels)
              .fit(model, shard, validation.value(), new AllGatherParameterSync(), checkpoints(partition),
                  line -> LOG.info("[task {}] {}", partition, line));
      Outcome outcome =
          partition == 0
              ? new Outcome(partition, device.toString(), history, testMetrics(model), temperature(model),
                  SafetensorsWriter.snapshot(model.parametersByHuggingFaceName()), configJson(encoder))
              : new Outcome(partition, device.toString(), history, null, 1.0, null, null);
      context.barrier();
      deleteCheckpoints(partition);
      return JavaConverters.asScalaIterator(List.of(outcome).iterator());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot load encoder weights from " + encoderWeights, e);
    }
  }

  /**
   * Where this task checkpoints after every epoch (a local folder of the executor): a retried
   * barrier stage resumes from its last epoch instead of starting over.
   */
  private Path checkpoints(int partition) {
    return checkpointDir.isBlank() ? null : Path.of(checkpointDir, "task-" + partition);
  }

  /** Removes this task's checkpoints, then the run's and the root folder if nothing else is left in them. */
  private void deleteCheckpoints(int partition) throws IOException {
    Path dir = checkpoints(partition);
    if (dir != null && Files.isDirectory(dir)) {
      try (var files = Files.walk(dir)) {
        for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(file);
        }
      }
      for (Path parent = dir.getParent(); parent != null && parent.getNameCount() >= dir.getNameCount() - 2;
          parent = parent.getParent()) {
        try {
          Files.deleteIfExists(parent);
        } catch (java.nio.file.DirectoryNotEmptyException inUse) {
          return; // another task or run still has checkpoints there
        }
      }
    }
  }

  private static String configJson(BertEncoder encoder) throws IOException {
    Path file = Files.createTempFile("bert-config", ".json");
    try {
      encoder.config().writeHuggingFaceJson(file);
      return Files.readString(file);
    } finally {
      Files.deleteIfExists(file);
    }
  }

  /**
   * The softmax temperature that makes the best epoch's validation probabilities honest (fitted by
   * likelihood on the validation split; 1 when there is none). Scoring divides logits by it.
   */
  private double temperature(SentimentClassifier model) {
    List<TrainingExample> examples = validation.value();
    if (examples.isEmpty()) {
      return 1.0;
    }
    int[] actual = examples.stream().mapToInt(TrainingExample::label).toArray();
    return TemperatureScaling.fit(SentimentTrainer.predictLogits(model, examples, config.batchSize()), actual);
  }

  private ClassificationMetrics testMetrics(SentimentClassifier model) {
    List<TrainingExample> examples = test.value();
    int[] actual = examples.stream().mapToInt(TrainingExample::label).toArray();
    return ClassificationMetrics.of(labels, actual, SentimentTrainer.predictClasses(model, examples, config.batchSize()));
  }
}
