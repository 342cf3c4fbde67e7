package io.sentimentpipeline.jobs.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.sentimentpipeline.jobs.SparkTestBase;
import io.sentimentpipeline.jobs.TinyEncoder;
import io.sentimentpipeline.jobs.catalog.Warehouse;
import io.sentimentpipeline.udfs.nlp.WordPieceEncoder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The nightly sequence as production runs it: {@code bin/submit} (the README's command) hands the
 * application jar and the udfs jar to spark-submit against a standalone Master and Worker, each a
 * JVM of its own, with two single-core executor JVMs. The jobs' classes are not on the cluster's
 * classpath, so everything executors run arrives through the jars the driver ships. Then the
 * tables are checked from this JVM, and a second submit must change no count.
 */
@Tag("cluster")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StandaloneClusterTest extends SparkTestBase {

  /** One spark-submit of the pipeline and the exit code it must end with. */
  private record Step(List<String> command, int exitCode) {}

  /**
   * First day: the demo run fine-tunes a (tiny) model per domain; at least one of them does not
   * beat the TF-IDF baseline on the small demo, so the run stops at score with 65 ("train one")
   * before scoring any domain; promoting them (`models promote`, a no-op for one already champion) lets the second run score both domains
   * and alert.
   */
  static final List<Step> FIRST =
      List.of(
          new Step(List.of("run", "--demo-data"), 65),
          new Step(List.of("models", "promote", "review-sentiment", "1", "--reason", "StandaloneClusterTest: tiny champion"), 0),
          new Step(List.of("models", "promote", "news-sentiment", "1", "--reason", "StandaloneClusterTest: tiny champion"), 0),
          new Step(List.of("run"), 0));

  /** The nightly sequence, one spark-submit per entry, in order. */
  static final List<List<String>> NIGHTLY = List.of(List.of("run"));

  /**
   * ScoreJob's line per domain: documents scored and each executor JVM's loads of the model (a
   * domain's entity scores, "news entities: ...", are not matched).
   */
  private static final Pattern SCORED = Pattern.compile("(?<=score |; )(\\w+): (\\d+) documents scored with \\S+ v\\d+ \\(model loads per JVM \\{([^}]*)}\\)");

  private static final String RUN_DATE = "2026-11-28";
  private static final String COUNTS =
      "select (select count(*) from bronze.reviews_raw), (select count(*) from bronze.news_raw),"
          + " (select count(*) from silver.documents), (select count(*) from silver.quarantine),"
          + " (select count(*) from silver.tokens)";

  private static final AtomicInteger SUBMITS = new AtomicInteger();
  private static StandaloneCluster cluster;
  private static Path appJar;
  private static Path libs;

  @BeforeAll
  static void startCluster() throws Exception {
    Path jobs = StandaloneCluster.locationOf(Warehouse.class);
    Path udfs = StandaloneCluster.locationOf(WordPieceEncoder.class);
    appJar = StandaloneCluster.jar(jobs, workDir.resolve("app/sentiment-jobs.jar"));
    libs = Files.createDirectories(workDir.resolve("app/libs"));
    StandaloneCluster.jar(udfs, libs.resolve("sentiment-udfs.jar"));
    cluster = StandaloneCluster.start(workDir.resolve("cluster"), List.of(jobs, udfs), 2, "4g");
  }

  /** Stops the cluster and keeps the driver, daemon and executor logs in {@code target/cluster-test-logs}. */
  @AfterAll
  static void stopCluster() throws IOException {
    if (cluster != null) {
      cluster.close();
      Path kept = Files.createDirectories(Path.of("target", "cluster-test-logs"));
      try (Stream<Path> previous = Files.list(kept)) {
        for (Path old : previous.toList()) {
          Files.delete(old);
        }
      }
      try (Stream<Path> logs = Files.walk(workDir)) {
        for (Path log : logs.filter(p -> p.toString().endsWith(".log") || p.endsWith("stderr")).toList()) {
          Files.copy(log, kept.resolve(workDir.relativize(log).toString().replace('/', '_')), StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }

  @Test
  @Order(1)
  void theNightlySequenceFillsTheTables() throws Exception {
    for (Step step : FIRST) {
      submit(step.command(), "first", step.exitCode());
    }

    assertThat(cluster.executorDirs()).as("executor JVMs launched by the worker").hasSizeGreaterThanOrEqualTo(2);
    try (Stream<Path> files = Files.walk(djlCache())) {
      assertThat(files.map(Path::getFileName).map(Path::toString))
          .as("executors (only they load the tokenizer) got DJL_CACHE_DIR from bin/submit's spark.executorEnv")
          .contains("libtokenizers.so");
    }
    new Warehouse(workDir.resolve("warehouse").toString()).registerAll(spark);
    long documents = count("select count(*) from silver.documents");
    assertThat(documents).isGreaterThan(300);
    assertThat(count("select count(*) from silver.tokens")).as("every document tokenized").isEqualTo(documents);
    assertThat(count("select count(*) from silver.tokens where n_input_ids > 2 and size(tokens) > 0"))
        .as("executors loaded the WordPiece tokenizer and ran Spark NLP").isEqualTo(documents);
    assertThat(spark.sql("select distinct reason from silver.quarantine").collectAsList())
        .extracting(row -> row.getString(0))
        .contains("malformed_record", "missing_text", "text_too_long", "unparseable_timestamp");
    assertThat(count("select count(*) from gold.sentiment_scores")).as("every document scored on the executors").isEqualTo(documents);
    Matcher scored = SCORED.matcher(Files.readString(workDir.resolve("submit-first-" + (FIRST.size() - 1) + "-run.log")));
    Map<String, String> loadsByDomain = new TreeMap<>();
    while (scored.find()) {
      if (Long.parseLong(scored.group(2)) > 0) {
        loadsByDomain.put(scored.group(1), scored.group(3));
      }
    }
    assertThat(loadsByDomain).as("the run scores both domains and reports model loads per executor JVM").containsOnlyKeys("news", "review");
    loadsByDomain.forEach((domain, loads) -> assertThat(loads.split(", "))
        .as("%s: one model load per executor JVM (executor ids, not the driver): {%s}", domain, loads)
        .allMatch(entry -> entry.matches("\\d+=1")));
  }

  @Test
  @Order(2)
  void aSecondSubmitChangesNoCount() throws Exception {
    String before = spark.sql(COUNTS).first().toString();
    for (List<String> command : NIGHTLY) {
      submit(command, "second", 0);
    }
    assertThat(spark.sql(COUNTS).first().toString()).isEqualTo(before);
  }

  /** A DJL cache of this test's own: only the executors write to it, so it shows they got the setting. */
  private static Path djlCache() {
    return workDir.resolve("djl-cache");
  }

  private static long count(String sql) {
    return spark.sql(sql).first().getLong(0);
  }

  /** {@code bin/submit} with this cluster's spark-submit; fails with the driver's and executors' logs. */
  private static void submit(List<String> pipelineCommand, String label, int exitCode) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(
        Path.of("..", "bin", "submit").toAbsolutePath().normalize().toString(),
        "--master", cluster.masterUrl(),
        "--deploy-mode", "client",
        "--conf", "spark.executor.cores=1",
        "--conf", "spark.cores.max=2",
        "--conf", "spark.executor.memory=1536m",
        "--"));
    command.addAll(pipelineCommand);
    command.addAll(List.of(
        "--run-date", RUN_DATE,
        "--set", "warehouse=" + workDir.resolve("warehouse"),
        "--set", "demo.output=" + workDir.resolve("demo"),
        "--set", "demo.reviews=150", "--set", "demo.news-days=95", "--set", "demo.news-per-day=4",
        "--set", "demo.surge.articles=12", "--set", "alerts.output-dir=" + workDir.resolve("alerts")));
    command.addAll(List.of(TinyEncoder.overrides(workDir)));
    Path log = workDir.resolve("submit-" + label + "-" + SUBMITS.getAndIncrement() + "-" + pipelineCommand.get(0) + ".log");
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().putAll(cluster.environment());
    builder.environment().put("SPARK_SUBMIT", cluster.sparkSubmit().toString());
    builder.environment().put("PIPELINE_JAR", appJar.toString());
    builder.environment().put("PIPELINE_LIBS", libs.toString());
    builder.environment().put("DJL_CACHE_DIR", djlCache().toString());
    long start = System.nanoTime();
    Process process = builder.start();
    try {
      boolean done = process.waitFor(8, TimeUnit.MINUTES);
      System.out.printf("cluster test: %s submit of %s took %.0f s%n", label, pipelineCommand, (System.nanoTime() - start) / 1e9);
      String logs = String.join("\n", tail(Files.readAllLines(log))) + "\n" + cluster.executorLogTails();
      assertThat(done).as("%s did not finish in 8 min:%n%s", command, logs).isTrue();
      assertThat(process.exitValue()).as("%s:%n%s", pipelineCommand, logs).isEqualTo(exitCode);
    } finally {
      StandaloneCluster.destroyTree(process.toHandle());
    }
  }

  private static List<String> tail(List<String> lines) {
    return lines.subList(Math.max(0, lines.size() - 80), lines.size());
  }
}
