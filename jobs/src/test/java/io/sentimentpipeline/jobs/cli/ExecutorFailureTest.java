package io.sentimentpipeline.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.sentimentpipeline.jobs.SparkTestBase;
import io.sentimentpipeline.jobs.registry.ModelBundle;
import io.sentimentpipeline.jobs.registry.ModelRegistry;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.deploy.SparkHadoopUtil;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * A bundle changed after the driver checked it fails on the executor that reads it, and the CLI
 * still reports that one line with exit 65, not Spark's job-aborted trace with exit 70.
 */
class ExecutorFailureTest extends SparkTestBase {

  /** What ScorePartition does on an executor before it loads a model. */
  static final class ReadBundle implements MapPartitionsFunction<Row, Integer> {
    private final ModelRegistry.Champion champion;

    ReadBundle(ModelRegistry.Champion champion) {
      this.champion = champion;
    }

    @Override
    public Iterator<Integer> call(Iterator<Row> rows) {
      Map<String, byte[]> files = ModelBundle.readVerified(champion, SparkHadoopUtil.get().newConfiguration(SparkEnv.get().conf()));
      return List.of(files.size()).iterator();
    }
  }

  @Test
  void aTamperedBundleOnAnExecutorExitsWith65AndOneLine() throws Exception {
    Path bundle = workDir.resolve("models/review-sentiment/4");
    Map<String, String> digests =
        ModelBundle.write(bundle.toString(), Map.of("calibration.json", "{\"temperature\":1.5}".getBytes(StandardCharsets.UTF_8)),
            spark.sparkContext().hadoopConfiguration());
    ModelRegistry.Champion champion =
        new ModelRegistry.Champion("review-sentiment", 4, "review", bundle.toString(), ModelBundle.checksum(digests), digests, "tok");
    ReadBundle read = new ReadBundle(champion);
    assertThat(spark.range(2).toDF().repartition(2).mapPartitions(read, Encoders.INT()).collectAsList()).containsOnly(1);

    Files.writeString(bundle.resolve("calibration.json"), "{\"temperature\":9.5}");
    Throwable failure = catchThrowable(() -> spark.range(2).toDF().repartition(2).mapPartitions(read, Encoders.INT()).collectAsList());

    CommandLine cli = PipelineCli.commandLine(new PipelineCli(null));
    StringWriter err = new StringWriter();
    cli.setErr(new PrintWriter(err, true));
    int exit = cli.getExecutionExceptionHandler().handleExecutionException((Exception) failure, cli, null);
    assertThat(failure).as("Spark wraps what the task threw").hasMessageContaining("Job aborted");
    assertThat(exit).isEqualTo(65);
    assertThat(err.toString().strip()).as("one line").doesNotContain("\n")
        .startsWith("error: Model bundle " + bundle + " does not match ml.models (review-sentiment v4): calibration.json has sha256 ")
        .contains("expected " + digests.get("calibration.json"), "restore it or retrain with `./pipeline train --domain review`");
  }
}
