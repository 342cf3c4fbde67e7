package io.sentimentpipeline.jobs.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sentimentpipeline.jobs.alerts.AlertsConfig;
import io.sentimentpipeline.jobs.cli.PipelineConfig;
import io.sentimentpipeline.udfs.score.ScoringOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

  @Test
  void embeddedDefaultBindsEverySection() {
    PipelineConfig config = PipelineConfig.load(null, List.of());
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
        PipelineConfig.load(
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
    PipelineConfig config = PipelineConfig.load(null, List.of("warehouse=/data/wh"));
    assertThat(config.alerts().outputDir()).isEqualTo("/data/wh/alerts");
    assertThat(config.train().checkpointDir()).isEqualTo("/data/wh/checkpoints");
    assertThatThrownBy(() -> PipelineConfig.load(null, List.of("alerts.output-dir=s3a://b/alerts")))
        .isInstanceOf(ConfigError.class).hasMessageContaining("alerts.output-dir").hasMessageContaining("local folder");
  }

  @Test
  void readsAFileWithIncludesAndOverrides(@TempDir Path dir) throws Exception {
    Path conf = dir.resolve("my.conf");
    Files.writeString(conf, "include classpath(\"conf/local.conf\")\nwarehouse = \"/data/wh\"\nclean.min-chars = 10\n");
    PipelineConfig config = PipelineConfig.load(conf, List.of("clean.min-chars=12"));
    assertThat(config.warehouse()).isEqualTo("/data/wh");
    assertThat(config.clean().minChars()).isEqualTo(12);
  }

  @Test
  void clusterExampleBindsWithoutALocalMaster() {
    PipelineConfig config = PipelineConfig.load(Path.of("../conf/cluster.conf.example"), List.of());
    assertThat(config.spark().master()).isEmpty();
    assertThat(config.spark().conf()).doesNotContainKey("spark.driver.host").containsKey("spark.executor.memory");
    assertThat(config.warehouse()).startsWith("s3a://");
    assertThat(config.sources()).extracting(SourceConfig::format).containsExactly(SourceFormat.PARQUET, SourceFormat.JSONL);
  }

  @Test
  void scoringDefaultsToOnnxRuntimeInt8AndEngineAndPrecisionAreChecked() {
    PipelineConfig defaults = PipelineConfig.load(null, List.of());
    assertThat(defaults.score().engine()).isEqualTo(ScoringOptions.Engine.ONNXRUNTIME);
    assertThat(defaults.score().precision()).isEqualTo(ScoringOptions.Precision.INT8);
    PipelineConfig pytorch = PipelineConfig.load(null, List.of("score.engine=PyTorch", "score.precision=fp32"));
    assertThat(pytorch.score().engine()).isEqualTo(ScoringOptions.Engine.PYTORCH);
    assertThat(pytorch.score().precision()).isEqualTo(ScoringOptions.Precision.FP32);
    assertThatThrownBy(() -> PipelineConfig.load(null, List.of("score.engine=tensorrt")))
        .isInstanceOf(ConfigError.class)
        .hasMessageContaining("score.engine")
        .hasMessageContaining("[onnxruntime, pytorch]")
        .hasMessageContaining("tensorrt");
    assertThatThrownBy(() -> PipelineConfig.load(null, List.of("score.precision=fp16")))
        .isInstanceOf(ConfigError.class)
        .hasMessageContaining("score.precision")
        .hasMessageContaining("[int8, fp32]");
  }

  @Test
  void errorsNameTheKeyAndTheFix() {
    assertThatThrownBy(() -> PipelineConfig.load(null, List.of("clean.max-chars=2")))
        .isInstanceOf(ConfigError.class)
        .hasMessageContaining("clean.max-chars");
    assertThatThrownBy(() -> PipelineConfig.load(null, List.of("tokenize.encoder=nope")))
        .hasMessageContaining("tokenize.encoder")
        .hasMessageContaining("all-minilm-l6-v2");
    assertThatThrownBy(() -> PipelineConfig.load(null, List.of("sources.0.domain=tweets")))
        .isInstanceOf(ConfigError.class);
    assertThatThrownBy(() -> PipelineConfig.load(null, List.of("clean.min-chars=many")))
        .isInstanceOf(ConfigError.class)
        .hasMessageContaining("min-chars");
    assertThatThrownBy(() -> PipelineConfig.load(null, List.of("no-equals-sign")))
        .hasMessageContaining("key=value");
    assertThatThrownBy(() -> PipelineConfig.load(Path.of("/nonexistent.conf"), List.of()))
        .hasMessageContaining("/nonexistent.conf");
  }

  @Test
  void paritySampleIsAShare() {
    assertThat(PipelineConfig.load(null, List.of()).tokenize().paritySample()).isEqualTo(0.01);
    assertThat(PipelineConfig.load(null, List.of("tokenize.parity-sample=1")).tokenize().paritySample()).isEqualTo(1.0);
    assertThat(PipelineConfig.load(null, List.of("tokenize.parity-sample=0")).tokenize().paritySample()).isZero();
    for (String bad : List.of("1.5", "-0.1")) {
      assertThatThrownBy(() -> PipelineConfig.load(null, List.of("tokenize.parity-sample=" + bad)))
          .as(bad)
          .isInstanceOf(ConfigError.class)
          .hasMessageContaining("tokenize.parity-sample")
          .hasMessageContaining("between 0");
    }
    assertThatThrownBy(() -> PipelineConfig.load(null, List.of("tokenize.parity-sample=some")))
        .isInstanceOf(ConfigError.class)
        .hasMessageContaining("parity-sample");
  }

  @Test
  void alertsBindWithDefaultsAndBadKeysAreNamed() {
    var alerts = PipelineConfig.load(null, List.of()).alerts();
    assertThat(alerts.domain()).isEqualTo(Domain.NEWS);
    assertThat(alerts.modelVersion()).as("0 = champion").isZero();
    assertThat(alerts.minDocuments()).isEqualTo(5);
    assertThat(alerts.baselineDays()).isEqualTo(30);
    assertThat(alerts.robustZ().threshold()).isEqualTo(3.5);
    assertThat(alerts.ewma().lambda()).isEqualTo(0.3);
    assertThat(alerts.webhookEnabled()).isFalse();
    assertThat(alerts.webhookTimeout()).hasSeconds(10);
    assertThat(alerts.attributions()).isEqualTo(new AlertsConfig.Attributions(true, 5));

    assertThatThrownBy(() -> PipelineConfig.load(null, List.of("alerts.min-baseline-days=40")))
        .isInstanceOf(ConfigError.class)
        .hasMessageContaining("alerts.min-baseline-days")
        .hasMessageContaining("alerts.baseline-days (30)");
    assertThatThrownBy(() -> PipelineConfig.load(null, List.of("alerts.robust-z.mad-floor=0")))
        .hasMessageContaining("alerts.robust-z.mad-floor");
    assertThatThrownBy(() -> PipelineConfig.load(null, List.of("alerts.robust-z.critical=2")))
        .hasMessageContaining("alerts.robust-z.critical");
    assertThatThrownBy(() -> PipelineConfig.load(null, List.of("alerts.ewma.lambda=1.5")))
        .hasMessageContaining("alerts.ewma.lambda")
        .hasMessageContaining("(0, 1]");
    assertThatThrownBy(() -> PipelineConfig.load(null, List.of("alerts.min-documents=0")))
        .hasMessageContaining("alerts.min-documents");
    assertThatThrownBy(() -> PipelineConfig.load(null, List.of("alerts.domain=tweets")))
        .hasMessageContaining("alerts.domain");
    assertThatThrownBy(() -> PipelineConfig.load(null, List.of("alerts.webhook.url=ftp://x")))
        .hasMessageContaining("alerts.webhook.url");
    assertThatThrownBy(() -> PipelineConfig.load(null, List.of("alerts.webhook.timeout=soon")))
        .isInstanceOf(ConfigError.class)
        .hasMessageContaining("webhook.timeout");
    assertThatThrownBy(() -> PipelineConfig.load(null, List.of("alerts.attributions.top-words=0")))
        .isInstanceOf(ConfigError.class)
        .hasMessageContaining("alerts.attributions.top-words")
        .hasMessageContaining("at least 1");
    assertThatThrownBy(() -> PipelineConfig.load(null, List.of("alerts.attributions.enabled=maybe")))
        .hasMessageContaining("attributions.enabled");
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

  @Test
  void anUnknownKeyInASetIsRefusedWithTheNearestKnownKey() {
    assertThatThrownBy(() -> PipelineConfig.load(null, List.of("alerts.robust-z.treshold=3")))
        .isInstanceOf(ConfigError.class)
        .hasMessageContaining("'alerts.robust-z.treshold' (--set) is not a known key")
        .hasMessageContaining("did you mean alerts.robust-z.threshold?");
    assertThatThrownBy(() -> PipelineConfig.load(null, List.of("alerst.domain=news")))
        .as("a typo in the section").hasMessageContaining("did you mean alerts.domain?");
    assertThatThrownBy(() -> PipelineConfig.load(null, List.of("alerts.threshold=3")))
        .as("the right name under each parent that has it")
        .hasMessageContaining("did you mean alerts.negative-surge.threshold or alerts.robust-z.threshold or alerts.volume-negative.threshold?");
    assertThatThrownBy(() -> PipelineConfig.load(null, List.of("alerts.robust-z={treshold = 3}")))
        .as("a HOCON object value").hasMessageContaining("'alerts.robust-z.treshold' (--set)");
    assertThatThrownBy(() -> PipelineConfig.load(null, List.of("encoders.all-minilm-l6-v2.wieghts=x")))
        .as("inside an open-ended map's entry").hasMessageContaining("did you mean encoders.all-minilm-l6-v2.weights?");
    assertThatThrownBy(() -> PipelineConfig.load(null, List.of("completely-unrelated=1")))
        .isInstanceOf(ConfigError.class)
        .hasMessageContaining("'completely-unrelated' (--set) is not a known key")
        .hasMessageNotContaining("did you mean");
  }

  @Test
  void anUnknownKeyInAFileNamesTheFileAndLine(@TempDir Path dir) throws Exception {
    Path conf = dir.resolve("typo.conf");
    Files.writeString(conf, String.join("\n",
        "include classpath(\"conf/local.conf\")",
        "warehouse = \"/data/wh\"",
        "alerts.robust-z.treshold = 3",
        "sources = [",
        "  { name = shop, domain = review, format = csv, path = \"x/*.csv\", schema = \"id STRING, body STRING\"",
        "    columns { id = id, text = body }",
        "    optons { header = \"true\" } }",
        "]",
        ""));
    assertThatThrownBy(() -> PipelineConfig.load(conf, List.of()))
        .isInstanceOf(ConfigError.class)
        .hasMessageContaining("'alerts.robust-z.treshold' (" + conf + ":3) is not a known key; did you mean alerts.robust-z.threshold?")
        .hasMessageContaining("'sources.shop.optons.header' (" + conf + ":7) is not a known key; did you mean sources.shop.options.header?");
  }

  @Test
  void openEndedMapsStillTakeAnyKey(@TempDir Path dir) throws Exception {
    Path conf = dir.resolve("open.conf");
    Files.writeString(conf, String.join("\n",
        "include classpath(\"conf/local.conf\")",
        "sources = [",
        "  { name = shop, domain = review, format = csv, path = \"x/*.csv\", schema = \"id STRING, body STRING, stars STRING\"",
        "    columns { id = id, text = body, label = stars }, labels { \"5\" = positive }, charset = ISO-8859-1",
        "    follow-symlinks = true, options { header = \"true\", anyReaderOption = \"x\" } }",
        "]",
        "encoders.my-bert { tokenizer = \"/models/bert\", weights = \"/models/bert\" }",
        "entities.companies.ZZZ { names = [\"Zed Corp\"], exclude = [\"Zed Corp pie\"] }",
        "train.split.sources { shop = test }",
        ""));
    PipelineConfig config =
        PipelineConfig.load(
            conf,
            List.of(
                "spark.conf.\"spark.sql.shuffle.partitions\"=8",
                "spark.conf.\"spark.executor.memory\"=2g",
                "serve.hive-conf.\"hive.server2.authentication.ldap.url\"=ldaps://ldap.example.com"));
    assertThat(config.spark().conf()).containsEntry("spark.sql.shuffle.partitions", "8").containsEntry("spark.executor.memory", "2g");
    assertThat(config.sources().get(0).options()).containsEntry("anyReaderOption", "x");
    assertThat(config.entities().companies()).anyMatch(c -> c.ticker().equals("ZZZ"));
    assertThat(config.train().split().sources()).containsEntry("shop", "test");
  }

  /** Every file under conf/ that is a whole configuration (the default, or one including it) loads and binds. */
  @Test
  void everyConfigurationUnderConfLoads() throws Exception {
    Path confDir = Files.isDirectory(Path.of("../conf")) ? Path.of("../conf") : Path.of("conf");
    List<Path> complete;
    try (Stream<Path> files = Files.walk(confDir)) {
      complete =
          files
              .filter(f -> f.toString().endsWith(".conf") || f.toString().endsWith(".conf.example"))
              .filter(f -> f.getFileName().toString().equals("local.conf") || includesTheDefault(f))
              .sorted()
              .collect(Collectors.toList());
    }
    assertThat(complete).as("conf/local.conf, cluster.conf.example and the benchmarks").hasSizeGreaterThanOrEqualTo(7);
    for (Path file : complete) {
      assertThat(PipelineConfig.load(file, List.of()).sources()).as(file.toString()).isNotEmpty();
    }
  }

  private static boolean includesTheDefault(Path file) {
    try {
      return Files.readString(file).contains("include classpath(\"conf/local.conf\")");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void settingsNameWhereEachValueWasSet(@TempDir Path dir) throws Exception {
    Path conf = dir.resolve("mine.conf");
    Files.writeString(conf, "include classpath(\"conf/local.conf\")\nwarehouse = \"/data/wh\"\n");
    Map<String, ConfigSetting> settings =
        ConfigLoader.settings(ConfigLoader.load(conf, List.of("clean.min-chars=10", "clean.require-timestamp=[news, review]"))).stream()
            .collect(Collectors.toMap(ConfigSetting::key, s -> s));

    assertThat(settings.get("warehouse")).isEqualTo(new ConfigSetting("warehouse", "\"/data/wh\"", conf + ":2"));
    assertThat(settings.get("clean.min-chars").origin()).isEqualTo("--set");
    assertThat(settings.get("clean.require-timestamp").origin()).as("a HOCON list given with --set").isEqualTo("--set");
    int maxCharsLine = lineOf(Path.of(confDir(), "local.conf"), "max-chars = ");
    assertThat(settings.get("clean.max-chars"))
        .isEqualTo(new ConfigSetting("clean.max-chars", "20000", "conf/local.conf (embedded default) line " + maxCharsLine));
    assertThat(settings.get("entities.companies.NVX.names").origin()).startsWith("conf/companies.conf (embedded default) line ");
    assertThat(settings).containsKeys("sources[0].name", "sources[1].options", "spark.conf.\"spark.sql.shuffle.partitions\"");
    List<String> keys = new ArrayList<>(ConfigLoader.settings(ConfigLoader.load(null, List.of())).stream().map(ConfigSetting::key).toList());
    assertThat(keys).as("sorted").isSorted();
  }

  @Test
  void settingsMaskSecrets() {
    Map<String, String> values =
        ConfigLoader.settings(ConfigLoader.load(
                null,
                List.of(
                    "alerts.webhook.url=https://bot:hunter2@hooks.example.com/alerts",
                    "spark.conf.\"spark.hadoop.fs.s3a.secret.key\"=abc123",
                    "spark.conf.\"spark.hadoop.fs.s3a.session.token\"=tok123",
                    "spark.conf.\"spark.hadoop.javax.jdo.option.ConnectionPassword\"=pw123")))
            .stream()
            .collect(Collectors.toMap(ConfigSetting::key, ConfigSetting::value));
    assertThat(values.get("alerts.webhook.url")).isEqualTo("\"https://****@hooks.example.com/****\"");
    assertThat(values.get("spark.conf.\"spark.hadoop.fs.s3a.secret.key\"")).isEqualTo("****");
    assertThat(values.get("spark.conf.\"spark.hadoop.fs.s3a.session.token\"")).isEqualTo("****");
    assertThat(values.get("spark.conf.\"spark.hadoop.javax.jdo.option.ConnectionPassword\"")).isEqualTo("****");
    assertThat(values.get("tokenize.max-length")).as("tokenize is not a token").isEqualTo("256");
    assertThat(values.get("score.max-document-tokens")).isEqualTo("4096");
  }

  private static String confDir() {
    return Files.isDirectory(Path.of("../conf")) ? "../conf" : "conf";
  }

  private static int lineOf(Path file, String text) throws Exception {
    List<String> lines = Files.readAllLines(file);
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).contains(text)) {
        return i + 1;
      }
    }
    throw new AssertionError(text + " not in " + file);
  }
}
