package io.sentimentpipeline.jobs.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.sentimentpipeline.jobs.SparkTestBase;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Encoders;
import org.junit.jupiter.api.Test;

class StageProgressTest extends SparkTestBase {

  @Test
  void aRunningStagePrintsTasksRowsAndEtaWhileItRuns() {
    List<String> lines = new CopyOnWriteArrayList<>();
    StageProgress progress = StageProgress.attach(spark.sparkContext(), Duration.ofMillis(300), lines::add);
    try {
      spark.sparkContext().setJobDescription("slow test stage");
      long n = spark.range(0, 8000, 1, 8)
          .map((MapFunction<Long, Long>) x -> {
            if (x % 1000 == 0) {
              Thread.sleep(400);
            }
            return x;
          }, Encoders.LONG())
          .count();
      assertThat(n).isEqualTo(8000);
    } finally {
      spark.sparkContext().removeSparkListener(progress);
      spark.sparkContext().setJobDescription(null);
    }
    assertThat(lines).isNotEmpty();
    assertThat(lines).allMatch(line -> line.startsWith("progress slow test stage (stage "));
    assertThat(lines).anyMatch(line -> line.matches(".*: [1-7]/8 tasks, [\\d,]+ rows read \\([\\d,]+ rows/s\\), \\d+ s elapsed, ETA \\d+ s"));
  }
}
