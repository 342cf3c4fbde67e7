package io.sentimentpipeline.jobs;

import io.sentimentpipeline.jobs.catalog.SparkSessions;
import io.sentimentpipeline.jobs.catalog.Warehouse;
import io.sentimentpipeline.jobs.cli.PipelineConfig;
import io.sentimentpipeline.jobs.config.ConfigLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * One real local[2] Spark session with Delta, and a fresh warehouse folder per test class. Tests build their configuration from the embedded default with overrides.
 */
public abstract class SparkTestBase {

  @TempDir protected static Path workDir;
  protected static SparkSession spark;

  /**
   * The session is shared by all test classes of the JVM (Spark NLP caches the first session it
   * sees, so a stopped one would break later classes); each class starts with an empty catalog.
   */
  @BeforeAll
  static void startSpark() throws Exception {
    if (spark == null) {
      spark =
          SparkSessions.start(
              PipelineConfig.load(null, List.of(
                      "spark.master=local[2]",
                      "spark.conf.\"spark.sql.shuffle.partitions\"=2",
                      "spark.conf.\"spark.default.parallelism\"=2"))
                  .spark(),
              new Warehouse(workDir.resolve("warehouse").toString()));
    }
    for (Row database : spark.sql("SHOW DATABASES").collectAsList()) {
      for (Row table : spark.sql("SHOW TABLES IN " + database.getString(0)).collectAsList()) {
        if (!table.getBoolean(2)) { // not a temporary view
          spark.sql("DROP TABLE IF EXISTS " + database.getString(0) + "." + table.getString(1)); // external: data stays
        }
      }
    }
  }

  /** The embedded default with the warehouse and demo folder under this class's temp dir. */
  protected static PipelineConfig config(String... overrides) {
    List<String> all = new ArrayList<>(List.of(
        "warehouse=" + workDir.resolve("warehouse"),
        "demo.output=" + workDir.resolve("demo"),
        "train.checkpoint-dir=" + workDir.resolve("checkpoints")));
    all.addAll(Arrays.asList(overrides));
    return PipelineConfig.load(null, all);
  }

  protected static Dataset<Row> table(String name) {
    return spark.table(name);
  }
}
