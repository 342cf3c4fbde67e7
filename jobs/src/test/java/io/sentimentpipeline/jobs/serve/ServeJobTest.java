package io.sentimentpipeline.jobs.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import java.sql.SQLException;
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
 * cleanly, a non-loopback address without authentication is refused before anything starts, no
 * setting but serve.* moves the listener or changes its authentication, and by default a client can
 * only read the served tables (no writes, no DDL, no SQL on files) unless serve.read-only = false.
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
    Path cwd = Files.createDirectories(workDir.resolve("serve-cwd"));
    Path log = workDir.resolve("serve.log");
    try (Served served = Served.start(cwd, log);
        Connection connection = DriverManager.getConnection(served.url(), "analyst", "");
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
    assertThat(Files.readString(log)).contains("serve: stopped");
    try (var left = Files.list(cwd)) {
      assertThat(left).as("no metastore_db, derby.log or spark-warehouse in the working directory").isEmpty();
    }
  }

  @Test
  @Tag("slow")
  void byDefaultJdbcClientsCanReadButNotWriteNorReadFiles() throws Exception {
    Path secret = Files.writeString(workDir.resolve("secret.txt"), "the server account's secret\n");
    Path elsewhere = workDir.resolve("elsewhere");
    Path cwd = Files.createDirectories(workDir.resolve("serve-ro-cwd"));
    try (Served served = Served.start(cwd, workDir.resolve("serve-ro.log"));
        Connection connection = DriverManager.getConnection(served.url(), "analyst", "");
        Statement statement = connection.createStatement()) {
      String bundle = "select bundle_path from ml.models";
      List<String> bundles = column(statement.executeQuery(bundle), 1);
      assertThat(bundles).as("the fixture has models").isNotEmpty();

      List<String> refused = List.of(
          "UPDATE ml.models SET bundle_path = '" + elsewhere + "'",
          "DELETE FROM ml.models",
          "MERGE INTO ml.models t USING ml.models s ON false WHEN NOT MATCHED THEN INSERT *",
          "INSERT INTO ml.models SELECT * FROM ml.models",
          "CREATE TABLE default.planted (x INT) USING delta LOCATION '" + elsewhere + "'",
          "CREATE TABLE default.copied USING delta AS SELECT * FROM ml.models",
          "DROP TABLE gold.sentiment_alerts",
          "ALTER TABLE gold.sentiment_alerts SET LOCATION '" + elsewhere + "'",
          "CREATE DATABASE planted",
          "CREATE TEMPORARY VIEW v AS SELECT 1",
          "SET spark.sql.runSQLOnFiles=true",
          "SELECT reflect('java.lang.System', 'getProperty', 'user.home')",
          "ADD JAR " + secret,
          "DESCRIBE DETAIL '" + workDir.resolve("warehouse/ml/models") + "'");
      for (String sql : refused) {
        assertThatThrownBy(() -> statement.execute(sql)).as(sql)
            .isInstanceOf(SQLException.class).hasMessageContaining("serve is read-only (serve.read-only = true)");
      }
      for (String path : List.of("text.`" + secret + "`", "delta.`" + workDir.resolve("warehouse/ml/models") + "`")) {
        assertThatThrownBy(() -> rows(statement.executeQuery("SELECT * FROM " + path))).as("SQL on files: " + path)
            .isInstanceOf(SQLException.class).hasMessageContaining("cannot be found").hasMessageNotContaining("server account");
      }
      assertThat(column(statement.executeQuery(bundle), 1)).as("ml.models unchanged").isEqualTo(bundles);
      assertThat(column(statement.executeQuery("SHOW TABLES IN gold"), 2)).contains("sentiment_alerts");
      assertThat(elsewhere).as("no table created outside the warehouse").doesNotExist();

      assertThat(column(statement.executeQuery("DESCRIBE gold.sentiment_scores"), 1)).contains("score", "model_version");
      assertThat(column(statement.executeQuery("EXPLAIN SELECT * FROM silver.documents"), 1)).isNotEmpty();
      assertThat(column(statement.executeQuery("SET spark.sql.runSQLOnFiles"), 2)).containsExactly("false");
      statement.execute("USE silver");
      assertThat(column(statement.executeQuery("SELECT count(*) FROM documents"), 1))
          .containsExactly(String.valueOf(spark.table("silver.documents").count()));
      // A client can pass settings when it connects, without any SET statement: that session is refused.
      assertThatThrownBy(() -> DriverManager.getConnection(served.url() + "?spark.sql.runSQLOnFiles=true", "analyst", ""))
          .isInstanceOf(SQLException.class).hasMessageContaining("spark.sql.runSQLOnFiles is on");
      assertThat(column(statement.executeQuery("SELECT count(*) FROM gold.sentiment_alerts"), 1))
          .as("other sessions are unaffected").containsExactly(String.valueOf(spark.table("gold.sentiment_alerts").count()));
    }
  }

  @Test
  @Tag("slow")
  void withReadOnlyFalseAClientMayWrite() throws Exception {
    Path secret = Files.writeString(workDir.resolve("readable.txt"), "readable\n");
    Path location = workDir.resolve("client-table");
    Path cwd = Files.createDirectories(workDir.resolve("serve-rw-cwd"));
    try (Served served = Served.start(cwd, workDir.resolve("serve-rw.log"), "serve.read-only=false");
        Connection connection = DriverManager.getConnection(served.url(), "analyst", "");
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE TABLE default.notes (x INT) USING delta LOCATION '" + location + "'");
      statement.execute("INSERT INTO default.notes VALUES (1), (2)");
      assertThat(column(statement.executeQuery("SELECT sum(x) FROM default.notes"), 1)).containsExactly("3");
      assertThat(location.resolve("_delta_log")).isDirectory();
      assertThat(column(statement.executeQuery("SELECT value FROM text.`" + secret + "`"), 1)).containsExactly("readable");
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

  @Test
  void listenerSettingsComeFromServeKeysOnly() throws Exception {
    String[][] refused = {
      {"serve.hive-conf.\"hive.server2.thrift.bind.host\"=0.0.0.0", "hive.server2.thrift.bind.host", "serve.host"},
      {"serve.hive-conf.\"hive.server2.authentication\"=NOSASL", "hive.server2.authentication", "serve.auth"},
      {"serve.hive-conf.\"hive.server2.transport.mode\"=http", "hive.server2.transport.mode", "binary"},
      {"spark.conf.\"spark.hadoop.hive.server2.thrift.bind.host\"=0.0.0.0", "spark.hadoop.hive.server2.thrift.bind.host", "serve.host"},
      {"spark.conf.\"spark.hive.server2.authentication\"=NONE", "spark.hive.server2.authentication", "serve.auth"},
      {"spark.conf.\"hive.server2.thrift.port\"=1", "hive.server2.thrift.port", "serve.port"},
      {"spark.conf.\"spark.sql.runSQLOnFiles\"=true", "spark.sql.runSQLOnFiles", "serve.read-only = false"},
      {"spark.conf.\"spark.sql.hive.thriftServer.singleSession\"=true", "singleSession", "one session per JDBC connection"},
    };
    for (String[] setting : refused) {
      InProcessCli.Outcome outcome = InProcessCli.run(spark, List.of("serve", "--set", setting[0]));
      assertThat(outcome.exitCode()).as(setting[0]).isEqualTo(64);
      assertThat(outcome.err()).as(setting[0]).contains(setting[1], setting[2]);
    }
    try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      InProcessCli.Outcome writable = InProcessCli.run(spark, List.of("serve", "--set", "serve.read-only=false",
          "--set", "spark.conf.\"spark.sql.runSQLOnFiles\"=true", "--set", "serve.port=" + taken.getLocalPort()));
      assertThat(writable.err()).as("runSQLOnFiles is the user's to set when writable: passes, then the port check fails")
          .contains("serve.port").doesNotContain("runSQLOnFiles");
    }

    ServeConfig readOnly = config().serve();
    assertThat(readOnly.readOnly()).as("serve.read-only defaults to true").isTrue();
    assertThat(ServeJob.withHive(config().spark(), readOnly, workDir).conf())
        .containsEntry("spark.hadoop.hive.server2.thrift.bind.host", "127.0.0.1")
        .containsEntry("spark.hadoop.hive.server2.transport.mode", "binary")
        .containsEntry("spark.hadoop.hive.server2.authentication", "NONE")
        .containsEntry("spark.sql.runSQLOnFiles", "false")
        .containsEntry("spark.sql.hive.thriftServer.singleSession", "false");
  }

  /** A forked {@code pipeline serve}; {@link #close()} sends SIGTERM, which the shutdown hook handles. */
  private record Served(Process process, int port) implements AutoCloseable {

    static Served start(Path cwd, Path log, String... overrides) throws Exception {
      int port;
      try (ServerSocket free = new ServerSocket(0)) {
        port = free.getLocalPort();
      }
      List<String> args = new ArrayList<>(List.of(
          "serve", "--set", "warehouse=" + workDir.resolve("warehouse"), "--set", "serve.port=" + port));
      for (String override : overrides) {
        args.addAll(List.of("--set", override));
      }
      Process server = new ForkedPipeline(workDir).start("io.sentimentpipeline.jobs.cli.PipelineCli", args, log, cwd);
      Served served = new Served(server, port);
      try {
        awaitLine(log, "listening at " + served.url(), server);
      } catch (Throwable e) {
        served.close();
        throw e;
      }
      return served;
    }

    String url() {
      return "jdbc:hive2://127.0.0.1:" + port + "/default";
    }

    @Override
    public void close() throws InterruptedException {
      process.destroy();
      process.waitFor(2, TimeUnit.MINUTES);
      process.destroyForcibly();
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
