package io.sentimentpipeline.jobs.clean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sentimentpipeline.jobs.Jobs;
import io.sentimentpipeline.jobs.SparkTestBase;
import io.sentimentpipeline.jobs.cli.PipelineConfig;
import io.sentimentpipeline.jobs.config.ConfigError;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * Entity-level labels through ingest and clean: an array column (SEntFiN-like JSON lines), one
 * entity per row with numeric scores mapped by ranges (SemEval-like CSV), the agreement rule for
 * the document label, and a rerun that leaves silver.entity_labels as it was.
 */
class EntityLabelsTest extends SparkTestBase {

  private static final LocalDate NIGHT = LocalDate.parse("2026-11-01");

  private static PipelineConfig entityConfig() {
    String dir = workDir.resolve("entity").toString();
    return config(
        "sources=[{name = headlines, domain = news, format = jsonl, path = \"" + dir + "/h/*.jsonl\","
            + " schema = \"id STRING, title STRING, entities ARRAY<STRUCT<entity: STRING, sentiment: STRING>>\","
            + " columns { id = id, text = title, entities = entities } },"
            + " {name = scored, domain = news, format = csv, path = \"" + dir + "/s/*.csv\","
            + " schema = \"id STRING, company STRING, title STRING, sentiment STRING\","
            + " columns { id = id, text = title, entity = company, label = sentiment },"
            + " labels { \"[-1, -0.05)\" = negative, \"[-0.05, 0.05]\" = neutral, \"(0.05, 1]\" = positive },"
            + " options { header = \"true\" } }]",
        "clean.require-timestamp=[]");
  }

  private static void write(String relative, String... lines) throws Exception {
    Path file = workDir.resolve("entity").resolve(relative);
    Files.createDirectories(file.getParent());
    Files.write(file, List.of(lines));
  }

  private static Map<String, String> labels(String where) {
    Map<String, String> out = new TreeMap<>();
    for (Row row : spark.sql(
            "select d.record_id, e.entity, e.label from silver.entity_labels e join silver.documents d using (doc_id) where "
                + where).collectAsList()) {
      out.put(row.getString(0) + "/" + row.getString(1), row.getString(2));
    }
    return out;
  }

  private static String documentLabel(String recordId) {
    return spark.sql("select label from silver.documents where record_id = '" + recordId + "'").first().getString(0);
  }

  @Test
  void entityLabelsReachSilverAndTheDocumentLabelOnlyWhereTheyAgree() throws Exception {
    write("h/a.jsonl",
        "{\"id\":\"h1\",\"title\":\"Infosys beats estimates as Wipro warns\",\"entities\":[{\"entity\":\"Infosys\",\"sentiment\":\"positive\"},{\"entity\":\"Wipro\",\"sentiment\":\"negative\"}]}",
        "{\"id\":\"h2\",\"title\":\"TCS and HCL rally on strong deal wins\",\"entities\":[{\"entity\":\"TCS\",\"sentiment\":\"positive\"},{\"entity\":\" HCL \",\"sentiment\":\"Positive\"}]}",
        "{\"id\":\"h3\",\"title\":\"Tata Steel output steady\",\"entities\":[{\"entity\":\"Tata Steel\",\"sentiment\":\"upbeat\"}]}");
    write("s/b.csv",
        "id,company,title,sentiment",
        "s1,Morrisons,Morrisons gains while Tesco slides,0.61",
        "s2,Tesco,Morrisons gains while Tesco slides,-0.4",
        "s3,Barclays,Barclays results in line,0.02",
        "s4,Unilever,Unilever steady ahead of results,oops");
    PipelineConfig config = entityConfig();
    Jobs.ingest(spark, config, NIGHT);
    CleanJob.Result result = Jobs.clean(spark, config, NIGHT);

    assertThat(result.balances()).isTrue();
    assertThat(labels("d.source = 'headlines'"))
        .as("array column; entity names trimmed, labels mapped case-insensitively")
        .containsExactlyInAnyOrderEntriesOf(Map.of(
            "h1/Infosys", "positive", "h1/Wipro", "negative", "h2/TCS", "positive", "h2/HCL", "positive"));
    assertThat(labels("d.source = 'scored'"))
        .as("one entity per row; two rows with one text are one document; scores mapped by range")
        .hasSize(3)
        .containsEntry("s3/Barclays", "neutral")
        .containsValues("positive", "negative");
    assertThat(spark.sql("select count(*) from silver.documents where text = 'Morrisons gains while Tesco slides'").first().getLong(0))
        .isEqualTo(1);
    assertThat(documentLabel("h1")).as("entities disagree: no document label").isNull();
    assertThat(documentLabel("h2")).as("entities agree").isEqualTo("positive");
    assertThat(documentLabel("s3")).isEqualTo("neutral");
    Map<String, String> quarantined = new TreeMap<>();
    spark.sql("select record_id, reason, detail from silver.quarantine").collectAsList()
        .forEach(row -> quarantined.put(row.getString(0), row.getString(1) + ": " + row.getString(2)));
    assertThat(quarantined).containsOnlyKeys("h3", "s4");
    assertThat(quarantined.get("h3")).isEqualTo("unknown_label: entity sentiment 'upbeat' is not in sources.headlines.labels");
    assertThat(quarantined.get("s4")).startsWith("unknown_label: entity sentiment 'oops'");

    long before = spark.sql("select count(*) from silver.entity_labels").first().getLong(0);
    Jobs.clean(spark, config, NIGHT);
    assertThat(spark.sql("select count(*) from silver.entity_labels").first().getLong(0)).as("rerun").isEqualTo(before);
  }

  @Test
  void rangeLabelsAreValidated() {
    assertThatThrownBy(() -> config(
            "sources=[{name = x, domain = news, format = csv, path = \"/n/*.csv\", schema = \"t STRING, s STRING\","
                + " columns { text = t, label = s }, labels { \"[-1, 0.1]\" = negative, \"[0.1, 1]\" = positive } }]"))
        .isInstanceOf(ConfigError.class)
        .hasMessageContaining("ranges [-1.0, 0.1] and [0.1, 1.0] overlap");
    assertThatThrownBy(() -> config(
            "sources=[{name = x, domain = news, format = csv, path = \"/n/*.csv\", schema = \"t STRING, s STRING\","
                + " columns { text = t, label = s }, labels { \"[1, oops)\" = negative } }]"))
        .isInstanceOf(ConfigError.class).hasMessageContaining("is not a numeric range");
    assertThatThrownBy(() -> config(
            "sources=[{name = x, domain = news, format = csv, path = \"/n/*.csv\", schema = \"t STRING, e STRING\","
                + " columns { text = t, entities = e } }]"))
        .isInstanceOf(ConfigError.class).hasMessageContaining("ARRAY<STRUCT<entity: STRING, sentiment: STRING>>");
  }
}
