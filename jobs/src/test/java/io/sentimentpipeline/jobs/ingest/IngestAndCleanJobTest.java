package io.sentimentpipeline.jobs.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sentimentpipeline.jobs.ErrorCategory;
import io.sentimentpipeline.jobs.Jobs;
import io.sentimentpipeline.jobs.PipelineException;
import io.sentimentpipeline.jobs.SparkTestBase;
import io.sentimentpipeline.jobs.clean.CleanJob;
import io.sentimentpipeline.jobs.cli.PipelineConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Ingest and clean over small hand-written files with every kind of bad row, across two nightly
 * batches and reruns. Tests run in order: each builds on the tables the previous one left.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class IngestAndCleanJobTest extends SparkTestBase {

  private static final LocalDate NIGHT_1 = LocalDate.parse("2026-11-01");
  private static final LocalDate NIGHT_2 = LocalDate.parse("2026-11-02");

  private static void write(String relative, String... lines) throws Exception {
    Path file = workDir.resolve("demo").resolve(relative);
    Files.createDirectories(file.getParent());
    Files.write(file, List.of(lines));
  }

  private static long count(String sql) {
    return spark.sql(sql).first().getLong(0);
  }

  @Test
  @Order(1)
  void ingestKeepsEveryRowAndFlagsTheUnparseable() throws Exception {
    write("reviews/a.csv",
        "review_id,product,rating,title,body,created_at",
        "r1,blender,5,Love it,\"Great blender, <b>very</b> quiet &amp; fast\",2026-10-01T10:00:00Z",
        "r2,blender,1,Broken,Stopped working after two days.,2026-10-02T10:00:00Z",
        "r3,kettle,five,Odd,Rating is not a number.,2026-10-03T10:00:00Z",
        "r4,kettle,3",
        "r5,kettle,4,,,2026-10-04T10:00:00Z",
        "r6,kettle,4,Dup,\"Great   blender, very quiet & fast \",2026-10-05T10:00:00Z",
        "r7,toaster,2,Meh,Burns the toast.,31/02/2026");
    write("news/n.jsonl",
        "{\"id\":\"n1\",\"published_at\":\"2026-10-01T09:00:00-05:00\",\"headline\":\"Novex beats estimates\",\"body\":\"$NVX rose 5% after results.\",\"sentiment\":\"bullish\",\"word_count\":5}",
        "{\"id\":\"n2\",\"published_at\":\"2026-10-01T12:00:00Z\",\"headline\":\"Cut off",
        "{\"id\":\"n3\",\"published_at\":\"2026-10-01T12:00:00Z\",\"body\":\"Acorel Systems names a new CFO.\",\"word_count\":\"many\"}",
        "{\"id\":\"n4\",\"published_at\":\"not a date\",\"body\":\"Finwick Bank opens branches.\"}");

    IngestJob.Result result = Jobs.ingest(spark, config(), NIGHT_1);

    assertThat(result.sources()).extracting(IngestJob.SourceResult::rowsRead).containsExactly(7L, 4L);
    assertThat(result.sources()).extracting(IngestJob.SourceResult::malformedRows)
        .as("wrong type + short line; truncated JSON + wrong type").containsExactly(2L, 2L);
    Row truncated = spark.sql("select raw_record, source_file, batch_id, ingested_at from bronze.news_raw where malformed and raw_record like '%Cut off%'").first();
    assertThat(truncated.getString(0)).as("raw line kept").isEqualTo("{\"id\":\"n2\",\"published_at\":\"2026-10-01T12:00:00Z\",\"headline\":\"Cut off");
    assertThat(truncated.getString(1)).endsWith("news/n.jsonl");
    assertThat(truncated.getString(2)).isEqualTo("2026-11-01");
    assertThat(truncated.get(3)).isNotNull();
  }

  @Test
  @Order(2)
  void rerunningIngestAppendsNothing() {
    IngestJob.Result again = Jobs.ingest(spark, config(), NIGHT_1);
    assertThat(again.rowsRead()).isZero();
    assertThat(count("select count(*) from bronze.reviews_raw")).isEqualTo(7);
  }

  @Test
  @Order(3)
  void cleanAccountsForEveryRow() {
    CleanJob.Result result = Jobs.clean(spark, config(), NIGHT_1);

    assertThat(result.rowsRead()).isEqualTo(11);
    assertThat(result.balances()).isTrue();
    assertThat(result.kept()).as("r1, r2, n1").isEqualTo(3);
    assertThat(result.duplicatesInBatch()).as("r6 repeats r1 up to whitespace and markup").isEqualTo(1);
    assertThat(result.quarantinedByReason())
        .containsEntry("malformed_record", 4L)
        .containsEntry("missing_text", 1L)
        .containsEntry("unparseable_timestamp", 2L);
    assertThat(count("select count(*) from silver.quarantine where raw_record is null or source_file is null")).isZero();
    assertThat(spark.sql("select entities from silver.documents where record_id = 'n1'").first().<String>getList(0))
        .containsExactly("NVX");
  }

  @Test
  @Order(4)
  void rerunningCleanChangesNoCounts() {
    CleanJob.Result again = Jobs.clean(spark, config(), NIGHT_1);
    assertThat(again.kept()).isZero();
    assertThat(again.duplicatesOfEarlier()).isEqualTo(3);
    assertThat(again.balances()).isTrue();
    assertThat(count("select count(*) from silver.documents")).isEqualTo(3);
    assertThat(count("select count(*) from silver.quarantine")).isEqualTo(7);
  }

  @Test
  @Order(5)
  void aLaterBatchOnlyAddsWhatIsNew() throws Exception {
    write("reviews/b.csv",
        "review_id,product,rating,title,body,created_at",
        "r8,blender,2,Again,Stopped working after two days.,2026-11-01T10:00:00Z",
        "r9,mixer,4,Nice,Mixes well and cleans up fast.,2026-11-01T11:00:00Z");

    IngestJob.Result ingest = Jobs.ingest(spark, config(), NIGHT_2);
    CleanJob.Result clean = Jobs.clean(spark, config(), NIGHT_2);

    assertThat(ingest.sources().get(0).newFiles()).isEqualTo(1);
    assertThat(clean.rowsRead()).isEqualTo(2);
    assertThat(clean.kept()).isEqualTo(1);
    assertThat(clean.duplicatesOfEarlier()).as("r8 repeats r2 from night 1").isEqualTo(1);
    assertThat(count("select count(*) from silver.documents")).isEqualTo(4);
    assertThat(count("select count(*) from silver.quarantine")).as("night 1's rows stay").isEqualTo(7);
  }

  @Test
  @Order(6)
  void aSourceWithNoFilesIsBadInputNamingTheGlob() {
    PipelineConfig missing = config("demo.output=" + workDir.resolve("nowhere"));
    assertThatThrownBy(() -> Jobs.ingest(spark, missing, NIGHT_2))
        .isInstanceOf(PipelineException.class)
        .hasMessageContaining("nowhere/reviews/*.csv")
        .hasMessageContaining("demo-data")
        .satisfies(e -> assertThat(((PipelineException) e).category()).isEqualTo(ErrorCategory.BAD_INPUT));
  }

  @Test
  @Order(7)
  void parquetIsReadWithTheSchemaAndAMismatchIsBadInputNamingTheFile() {
    StructType written =
        new StructType().add("id", DataTypes.StringType).add("stars", DataTypes.StringType).add("review", DataTypes.StringType);
    Path good = workDir.resolve("parquet-good");
    Path bad = workDir.resolve("parquet-bad");
    spark.createDataFrame(List.of(RowFactory.create("p1", "5", "Sturdy and light.")), written)
        .selectExpr("id", "cast(stars as int) as stars", "review").write().parquet(good.toString());
    spark.createDataFrame(List.of(RowFactory.create("p2", "five", "Nice.")), written).write().parquet(bad.toString());
    String source =
        "sources=[{name = shop, domain = review, format = parquet, path = \"%s/*.parquet\","
            + " schema = \"id STRING, stars INT, review STRING\", columns { id = id, text = review, label = stars }}]";

    IngestJob.Result result = Jobs.ingest(spark, config(String.format(source, good)), NIGHT_2);
    assertThat(result.rowsRead()).isEqualTo(1);

    assertThatThrownBy(() -> Jobs.ingest(spark, config(String.format(source, bad)), NIGHT_2))
        .isInstanceOf(PipelineException.class)
        .hasMessageContaining("No new file of source 'shop' could be read")
        .hasMessageContaining("parquet-bad")
        .hasMessageContaining("sources.shop.format, .schema");
  }
}
