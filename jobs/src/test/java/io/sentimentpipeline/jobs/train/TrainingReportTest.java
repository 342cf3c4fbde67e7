package io.sentimentpipeline.jobs.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.sentimentpipeline.udfs.eval.ClassificationMetrics;
import io.sentimentpipeline.udfs.train.EpochResult;
import io.sentimentpipeline.udfs.train.TrainingHistory;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrainingReportTest {

  private static final List<String> LABELS = List.of("negative", "positive");

  private static ClassificationMetrics metrics(long tn, long fp, long fn, long tp) {
    return new ClassificationMetrics(LABELS, new long[][] {{tn, fp}, {fn, tp}});
  }

  @Test
  void drawsOnePointPerEpochAndTheConfusionMatrix() {
    TrainingHistory history =
        new TrainingHistory(
            List.of(
                new EpochResult(1, 10, 0.69, 0.60, metrics(30, 20, 15, 35), 12.0, 8.0),
                new EpochResult(2, 20, 0.41, 0.45, metrics(40, 10, 8, 42), 12.5, 8.0),
                new EpochResult(3, 30, 0.22, 0.47, metrics(41, 9, 9, 41), 12.4, 8.1)),
            2, 30, false);

    String html = TrainingReport.html("review <run 7>", history, metrics(44, 6, 7, 43), metrics(38, 12, 12, 38));

    assertThat(html).startsWith("<!doctype html>").contains("review &lt;run 7&gt;");
    assertThat(html.split("<polyline", -1)).as("four series").hasSize(5);
    assertThat(html).containsPattern("points=\"([0-9.]+,[0-9.]+ ){2}[0-9.]+,[0-9.]+\"");
    assertThat(html).contains("class=\"baseline\"", "baseline macro-F1");
    assertThat(html).contains("Best epoch 2 of 3", ">44<", ">43<", "validation macro-F1 0.8199");
  }
}
