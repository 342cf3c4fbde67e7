package io.sentimentpipeline.jobs.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

  @Test
  void embeddedDefaultBindsEverySection() {
    PipelineConfig config = ConfigLoader.load(null, List.of());
    assertThat(config.spark().master()).contains("local[*]");
    assertThat(config.warehouse()).isEqualTo("warehouse");
    assertThat(config.sources()).extracting(SourceConfig::name).containsExactly("reviews", "news");
    assertThat(config.sources().get(0).labels()).containsEntry("1", "negative").containsEntry("5", "positive");
    assertThat(config.entities().companies()).hasSizeGreaterThanOrEqualTo(20);
    assertThat(config.tokenize().tokenizer().encoder()).isEqualTo("all-minilm-l6-v2");
    assertThat(config.clean().requireTimestamp()).containsExactly(Domain.NEWS);
  }

  @Test
  void overridesTakeStringsNumbersListsAndUris() {
    PipelineConfig config =
        ConfigLoader.load(
            null,
            List.of(
                "warehouse=s3a://bucket/warehouse",
                "clean.max-chars=5000",
                "clean.require-timestamp=[news, review]",
                "tokenize.encoder=bge-small-en-v15"));
    assertThat(config.warehouse()).isEqualTo("s3a://bucket/warehouse");
    assertThat(config.clean().maxChars()).isEqualTo(5000);
    assertThat(config.clean().requireTimestamp()).containsExactlyInAnyOrder(Domain.NEWS, Domain.REVIEW);
    assertThat(config.tokenize().tokenizer().location()).contains("bge-small-en-v1.5");
    assertThat(config.alerts().outputDir()).as("local folders do not follow a remote warehouse").isEqualTo("alerts");
    assertThat(config.train().checkpointDir()).isEqualTo("checkpoints");
  }

  @Test
  void localFoldersFollowALocalWarehouseAndRefuseARemoteValue() {
    PipelineConfig config = ConfigLoader.load(null, List.of("warehouse=/data/wh"));
    assertThat(config.alerts().outputDir()).isEqualTo("/data/wh/alerts");
    assertThat(config.train().checkpointDir()).isEqualTo("/data/wh/checkpoints");
    assertThatThrownBy(() -> ConfigLoader.load(null, List.of("alerts.output-dir=s3a://b/alerts")))
        .isInstanceOf(ConfigError.class).hasMessageContaining("alerts.output-dir").hasMessageContaining("local folder");
  }

  @Test
  void readsAFileWithIncludesAndOverrides(@TempDir Path dir) throws Exception {
    Path conf = dir.resolve("my.conf");
    Files.writeString(conf, "include classpath(\"conf/local.conf\")\nwarehouse = \"/data/wh\"\nclean.min-chars = 10\n");
    PipelineConfig config = ConfigLoader.load(conf, List.of("clean.min-chars=12"));
    assertThat(config.warehouse()).isEqualTo("/data/wh");
    assertThat(config.clean().minChars()).isEqualTo(12);
  }

  @Test
  void clusterExampleBindsWithoutALocalMaster() {
    PipelineConfig config = ConfigLoader.load(Path.of("../conf/cluster.conf.example"), List.of());
    assertThat(config.spark().master()).isEmpty();
    assertThat(config.spark().conf()).doesNotContainKey("spark.driver.host").containsKey("spark.executor.memory");
    assertThat(config.warehouse()).startsWith("s3a://");
    assertThat(config.sources()).extracting(SourceConfig::format).containsExactly(SourceFormat.PARQUET, SourceFormat.JSONL);
  }

  @Test
  void errorsNameTheKeyAndTheFix() {
    assertThatThrownBy(() -> ConfigLoader.load(null, List.of("clean.max-chars=2")))
        .isInstanceOf(ConfigError.class)
        .hasMessageContaining("clean.max-chars");
    assertThatThrownBy(() -> ConfigLoader.load(null, List.of("tokenize.encoder=nope")))
        .hasMessageContaining("tokenize.encoder")
        .hasMessageContaining("all-minilm-l6-v2");
    assertThatThrownBy(() -> ConfigLoader.load(null, List.of("sources.0.domain=tweets")))
        .isInstanceOf(ConfigError.class);
    assertThatThrownBy(() -> ConfigLoader.load(null, List.of("clean.min-chars=many")))
        .isInstanceOf(ConfigError.class)
        .hasMessageContaining("min-chars");
    assertThatThrownBy(() -> ConfigLoader.load(null, List.of("no-equals-sign")))
        .hasMessageContaining("key=value");
    assertThatThrownBy(() -> ConfigLoader.load(Path.of("/nonexistent.conf"), List.of()))
        .hasMessageContaining("/nonexistent.conf");
  }

  @Test
  void alertsBindWithDefaultsAndBadKeysAreNamed() {
    var alerts = ConfigLoader.load(null, List.of()).alerts();
    assertThat(alerts.domain()).isEqualTo(Domain.NEWS);
    assertThat(alerts.modelVersion()).as("0 = champion").isZero();
    assertThat(alerts.minDocuments()).isEqualTo(5);
    assertThat(alerts.baselineDays()).isEqualTo(30);
    assertThat(alerts.robustZ().threshold()).isEqualTo(3.5);
    assertThat(alerts.ewma().lambda()).isEqualTo(0.3);
    assertThat(alerts.webhookEnabled()).isFalse();
    assertThat(alerts.webhookTimeout()).hasSeconds(10);

    assertThatThrownBy(() -> ConfigLoader.load(null, List.of("alerts.min-baseline-days=40")))
        .isInstanceOf(ConfigError.class)
        .hasMessageContaining("alerts.min-baseline-days")
        .hasMessageContaining("alerts.baseline-days (30)");
    assertThatThrownBy(() -> ConfigLoader.load(null, List.of("alerts.robust-z.mad-floor=0")))
        .hasMessageContaining("alerts.robust-z.mad-floor");
    assertThatThrownBy(() -> ConfigLoader.load(null, List.of("alerts.robust-z.critical=2")))
        .hasMessageContaining("alerts.robust-z.critical");
    assertThatThrownBy(() -> ConfigLoader.load(null, List.of("alerts.ewma.lambda=1.5")))
        .hasMessageContaining("alerts.ewma.lambda")
        .hasMessageContaining("(0, 1]");
    assertThatThrownBy(() -> ConfigLoader.load(null, List.of("alerts.min-documents=0")))
        .hasMessageContaining("alerts.min-documents");
    assertThatThrownBy(() -> ConfigLoader.load(null, List.of("alerts.domain=tweets")))
        .hasMessageContaining("alerts.domain");
    assertThatThrownBy(() -> ConfigLoader.load(null, List.of("alerts.webhook.url=ftp://x")))
        .hasMessageContaining("alerts.webhook.url");
    assertThatThrownBy(() -> ConfigLoader.load(null, List.of("alerts.webhook.timeout=soon")))
        .isInstanceOf(ConfigError.class)
        .hasMessageContaining("webhook.timeout");
  }

  @Test
  void sourceDefinitionsAreCheckedAgainstTheirSchema() {
    assertThatThrownBy(
            () ->
                new SourceConfig(
                    "tweets", Domain.NEWS, SourceFormat.JSONL, "x/*.jsonl", "id STRING, body STRING",
                    java.util.Map.of("text", "content"), java.util.Map.of(), java.util.Map.of()))
        .hasMessageContaining("sources.tweets.columns.text")
        .hasMessageContaining("content");
    assertThatThrownBy(
            () ->
                new SourceConfig(
                    "tweets", Domain.NEWS, SourceFormat.JSONL, "x/*.jsonl", "id STRING, body STRING",
                    java.util.Map.of("text", "body"), java.util.Map.of("up", "bullish"), java.util.Map.of()))
        .hasMessageContaining("sources.tweets.labels.up");
    assertThatThrownBy(
            () ->
                new SourceConfig(
                    "tweets", Domain.NEWS, SourceFormat.JSONL, "x/*.jsonl", "id STRING, body",
                    java.util.Map.of("text", "body"), java.util.Map.of(), java.util.Map.of()))
        .hasMessageContaining("sources.tweets.schema");
  }
}
