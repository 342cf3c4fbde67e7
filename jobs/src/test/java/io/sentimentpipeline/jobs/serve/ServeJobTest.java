package io.sentimentpipeline.jobs.serve;

import static org.assertj.core.api.Assertions.assertThat;

import io.sentimentpipeline.jobs.GoldFixture;
import io.sentimentpipeline.jobs.InProcessCli;
import io.sentimentpipeline.jobs.SparkTestBase;
import io.sentimentpipeline.jobs.cluster.ForkedPipeline;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@code pipeline serve} as a BI tool meets it: the server runs in a JVM of its own (Hive support
 * cannot be switched on in this JVM's shared session), a Hive JDBC client lists the tables and runs
 * the README's example queries, whose answers must equal what Spark computes here on the same
 * tables. Also: no Derby or Hive folders land in the server's working directory, SIGTERM stops it
 * cleanly, and a non-loopback address without authentication is refused before anything starts.
 */
class ServeJobTest extends SparkTestBase {

  private static final String[] DEMO = {
    "demo.reviews=150", "demo.news-days=60",
    "alerts.min-documents=3", "alerts.min-baseline-days=5"
  };

  @BeforeAll
  static void buildWarehouse() {
    for (String command : List.of("demo-data", "ingest", "clean")) {
      List<String> args = new ArrayList<>(List.of(command, "--run-date", "2026-11-28"));
      for (String override : overrides()) {
        args.addAll(List.of("--set", override));
      }
      InProcessCli.Outcome outcome = InProcessCli.run(spark, args);
      assertThat(outcome.exitCode()).as(outcome.describe(args)).isZero();
    }
    assertThat(GoldFixture.build(spark, config(overrides().toArray(String[]::new)), LocalDate.of(2026, 11, 1),
            LocalDate.of(2026, 11, 27)).alerts())
        .as("the fixture has alerts to serve").isPositive();
  }

  private static List<String> overrides() {
    List<String> all = new ArrayList<>(List.of(
        "warehouse=" + workDir.resolve("warehouse"), "demo.output=" + workDir.resolve("demo"),
        "alerts.output-dir=" + workDir.resolve("alerts")));
    all.addAll(List.of(DEMO));
    return all;
  }

  @Test
  @Tag("slow")
  void aHiveJdbcClientListsTheTablesAndRunsTheReadmeQueries() throws Exception {
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    Path cwd = Files.createDirectories(workDir.resolve("serve-cwd"));
    Path log = workDir.resolve("serve.log");
    Process server =
        new ForkedPipeline(workDir).start(
            "io.sentimentpipeline.jobs.cli.PipelineCli",
            List.of("serve", "--set", "warehouse=" + workDir.resolve("warehouse"), "--set", "serve.port=" + port),
            log, cwd);
    try {
      awaitLine(log, "listening at jdbc:hive2://127.0.0.1:" + port + "/default", server);
      try (Connection connection = DriverManager.getConnection("jdbc:hive2://127.0.0.1:" + port + "/default", "analyst", "");
          Statement statement = connection.createStatement()) {
        assertThat(column(statement.executeQuery("SHOW TABLES IN gold"), 2))
            .containsExactlyInAnyOrder("entity_daily_sentiment", "sentiment_alerts", "sentiment_scores");
        assertThat(column(connection.getMetaData().getTables(null, "silver", "%", null), 3))
            .as("JDBC metadata, as BI tools browse").contains("documents", "quarantine");
        assertThat(column(statement.executeQuery("select count(*) from gold.sentiment_scores"), 1))
            .containsExactly(String.valueOf(spark.table("gold.sentiment_scores").count()));

        List<String> queries = readmeQueries();
        assertThat(queries).as("README 'Connecting BI tools' sql blocks").hasSize(3);
        for (String query : queries) {
          List<String> viaJdbc = rows(statement.executeQuery(query));
          List<String> viaSpark = spark.sql(query).collectAsList().stream().map(ServeJobTest::render).sorted().toList();
          assertThat(viaJdbc).as(query).isNotEmpty().isEqualTo(viaSpark);
        }
        assertThat(rows(statement.executeQuery(queries.get(1))))
            .as("open alerts include the demo's NVX surge").anyMatch(row -> row.contains("NVX") && row.contains("2026-11-20"));
      }
    } finally {
      server.destroy(); // SIGTERM: the shutdown hook stops the server
      server.waitFor(2, TimeUnit.MINUTES);
      server.destroyForcibly();
    }
    assertThat(Files.readString(log)).contains("serve: stopped");
    try (var left = Files.list(cwd)) {
      assertThat(left).as("no metastore_db, derby.log or spark-warehouse in the working directory").isEmpty();
    }
  }

  @Test
  void aNonLoopbackHostWithoutAuthenticationIsRefusedNamingTheKey() {
    InProcessCli.Outcome open = InProcessCli.run(spark, List.of("serve", "--set", "serve.host=0.0.0.0"));
    assertThat(open.exitCode()).isEqualTo(64);
    assertThat(open.err()).contains("serve.auth", "0.0.0.0");

    InProcessCli.Outcome ldap = InProcessCli.run(spark, List.of("serve", "--set", "serve.host=0.0.0.0", "--set", "serve.auth=ldap"));
    assertThat(ldap.exitCode()).isEqualTo(64);
    assertThat(ldap.err()).contains("hive.server2.authentication.ldap.url");

    // The README's LDAP example binds: auth on, the Hive settings passed through.
    ServeConfig bound =
        config("serve.host=0.0.0.0", "serve.auth=ldap",
                "serve.hive-conf.\"hive.server2.authentication.ldap.url\"=ldaps://ldap.example.com")
            .serve();
    assertThat(bound.auth()).isEqualTo(ServeConfig.Auth.LDAP);
    assertThat(bound.hiveConf()).containsEntry("hive.server2.authentication.ldap.url", "ldaps://ldap.example.com");
    assertThat(ServeJob.withHive(config().spark(), bound, workDir).conf())
        .containsEntry("spark.hadoop.hive.server2.authentication", "LDAP")
        .containsEntry("spark.hadoop.hive.server2.authentication.ldap.url", "ldaps://ldap.example.com")
        .containsEntry("spark.hadoop.hive.server2.thrift.bind.host", "0.0.0.0");
  }

  @Test
  void aPortInUseIsAUsageError() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      InProcessCli.Outcome outcome =
          InProcessCli.run(spark, List.of("serve", "--set", "serve.port=" + taken.getLocalPort()));
      assertThat(outcome.exitCode()).isEqualTo(64);
      assertThat(outcome.err()).contains("serve.port", String.valueOf(taken.getLocalPort()));
    }
  }

  /** The {@code sql} blocks of the README's "Connecting BI tools" section. */
  static List<String> readmeQueries() throws Exception {
    String readme = Files.readString(Path.of("").toAbsolutePath().getParent().resolve("README.md"));
    int start = readme.indexOf("## Connecting BI tools");
    assertThat(start).as("README section").isNotNegative();
    int end = readme.indexOf("\n## ", start + 1);
    String section = readme.substring(start, end < 0 ? readme.length() : end);
    List<String> queries = new ArrayList<>();
    Matcher block = Pattern.compile("```sql\\n(.*?)```", Pattern.DOTALL).matcher(section);
    while (block.find()) {
      queries.add(block.group(1).trim().replaceAll(";$", ""));
    }
    return queries;
  }

  private static void awaitLine(Path log, String expected, Process server) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(4);
    while (System.nanoTime() < deadline) {
      String text = Files.exists(log) ? Files.readString(log) : "";
      if (text.contains(expected)) {
        return;
      }
      if (!server.isAlive()) {
        throw new AssertionError("serve exited with " + server.exitValue() + ":\n" + text);
      }
      Thread.sleep(500);
    }
    throw new AssertionError("serve did not print '" + expected + "' in 4 min:\n" + Files.readString(log));
  }

  private static List<String> column(ResultSet result, int index) throws Exception {
    List<String> values = new ArrayList<>();
    while (result.next()) {
      values.add(result.getString(index));
    }
    return values;
  }

  /** Each row as "a | b | c", sorted. */
  private static List<String> rows(ResultSet result) throws Exception {
    List<String> rows = new ArrayList<>();
    int columns = result.getMetaData().getColumnCount();
    while (result.next()) {
      List<String> cells = new ArrayList<>();
      for (int i = 1; i <= columns; i++) {
        cells.add(result.getString(i));
      }
      rows.add(String.join(" | ", cells));
    }
    return rows.stream().sorted().toList();
  }

  private static String render(Row row) {
    List<String> cells = new ArrayList<>();
    for (int i = 0; i < row.length(); i++) {
      cells.add(row.isNullAt(i) ? null : String.valueOf(row.get(i)));
    }
    return String.join(" | ", cells);
  }
}
