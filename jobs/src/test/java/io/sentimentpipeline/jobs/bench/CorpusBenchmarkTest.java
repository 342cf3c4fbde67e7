package io.sentimentpipeline.jobs.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sentimentpipeline.udfs.score.ScoringOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CorpusBenchmarkTest {

  @TempDir Path dir;

  @Test
  void scoresEveryNonEmptyTextOfTheColumnAtItsRealLength() throws Exception {
    Path csv = dir.resolve("reviews.csv");
    Files.writeString(
        csv,
        "id,text\n"
            + "1,Great phone\n"
            + "2,\"A review, with a comma\nand a second line \"\"quoted\"\"\"\n"
            + "3,\n"
            + "4,Terrible battery and worse support\n"
            + "5,\"" + "word ".repeat(200) + "\"\n",
        StandardCharsets.UTF_8);

    CorpusBenchmark.Result result =
        CorpusBenchmark.run(csv, "text", 0, "all-minilm-l6-v2", 32, 2, 1, 2,
            ScoringOptions.Engine.ONNXRUNTIME, ScoringOptions.Precision.INT8);

    assertThat(result.documents()).as("rows with text; the multi-line field is one document").isEqualTo(4);
    assertThat(result.skipped()).isEqualTo(1);
    // [CLS] great phone [SEP] = 4 ids, the 200-word review truncated to 32: real lengths, not padded ones
    assertThat(result.meanIds()).isGreaterThan(4).isLessThan(32);
    assertThat(result.windows()).hasSize(2);
    assertThat(result.perSecond()).isPositive();
    assertThat(result.engine()).isEqualTo("onnxruntime-int8");
    assertThat(result.toString()).startsWith("pipeline-corpus file=reviews.csv docs=4 skipped_empty=1");
  }

  @Test
  void aMissingColumnOrFileIsNamed() throws Exception {
    Path jsonl = dir.resolve("tweets.jsonl");
    Files.writeString(jsonl, "{\"body\": \"$AAPL up\"}\n", StandardCharsets.UTF_8);

    assertThatThrownBy(() -> CorpusBenchmark.texts(jsonl, "text", 0))
        .hasMessageContaining("tweets.jsonl has no column 'text' (columns: body)");
    assertThatThrownBy(() -> CorpusBenchmark.texts(dir.resolve("absent.csv"), "text", 0))
        .hasMessageContaining("absent.csv is not a file");
    assertThat(CorpusBenchmark.texts(jsonl, "body", 0)).containsExactly("$AAPL up");
  }
}
