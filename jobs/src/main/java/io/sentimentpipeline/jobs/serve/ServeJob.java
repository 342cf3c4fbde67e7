package io.sentimentpipeline.jobs.serve;

import io.sentimentpipeline.jobs.ErrorCategory;
import io.sentimentpipeline.jobs.PipelineException;
import io.sentimentpipeline.jobs.catalog.SparkSessions;
import io.sentimentpipeline.jobs.catalog.TableName;
import io.sentimentpipeline.jobs.catalog.Warehouse;
import io.sentimentpipeline.jobs.config.SparkSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.commons.io.FileUtils;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.SparkSessionExtensions;
import org.apache.spark.sql.hive.thriftserver.HiveThriftServer2;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;

/**
 * {@code pipeline serve}: Spark's Thrift JDBC/ODBC server (the HiveServer2 protocol that Tableau,
 * Power BI, Superset, DBeaver and Looker speak) over the warehouse tables, registered by name as
 * every command registers them. The Hive metastore it needs is a throw-away Derby database in a
 * scratch folder (never the working directory): the folder layout stays the catalog, so nothing in
 * the metastore has to survive a restart. Port, bind host and authentication are Hive settings read
 * when the session is built, so they go into the session's configuration, not into a running one;
 * they come from {@code serve.*} only, are applied after every other setting, and any other source
 * of them ({@code spark.conf}, spark-submit, Hive's environment variables) is refused, so that no
 * setting can open the server to other machines without authentication. Unless {@code
 * serve.read-only = false}, clients may only read ({@link ReadOnlyCheck}).
 */
public final class ServeJob {

  private static final Logger LOG = LoggerFactory.getLogger(ServeJob.class);

  private static final String SINGLE_SESSION = "spark.sql.hive.thriftServer.singleSession";
  private static final String RUN_SQL_ON_FILES = "spark.sql.runSQLOnFiles";

  /** Read by Hive before its own settings: each would move the listener. */
  private static final List<String> HIVE_ENVIRONMENT = List.of(
      "HIVE_SERVER2_THRIFT_BIND_HOST", "HIVE_SERVER2_THRIFT_PORT", "HIVE_SERVER2_THRIFT_HTTP_PORT",
      "HIVE_SERVER2_TRANSPORT_MODE");

  private ServeJob() {}

  /** A running server; {@link #close()} stops it, the Spark session and removes the scratch folder. */
  public record Server(SparkSession spark, HiveThriftServer2 thrift, List<TableName> tables, String jdbcUrl, Path scratch)
      implements AutoCloseable {

    @Override
    public void close() {
      try {
        thrift.stop();
      } finally {
        spark.stop();
        FileUtils.deleteQuietly(scratch.toFile());
      }
    }
  }

  /** Starts the server over {@code warehouse} and returns once it accepts connections. */
  public static Server start(Warehouse warehouse, SparkSettings sparkSettings, ServeConfig serve) {
    refuseListenerSettings(sparkSettings.conf().keySet(), "spark.conf.\"%s\"", serve);
    refuseListenerSettings(
        Arrays.stream(new SparkConf(true).getAll()).map(Tuple2::_1).toList(), "spark-submit --conf %s", serve);
    for (String variable : HIVE_ENVIRONMENT) {
      if (System.getenv(variable) != null) {
        throw new PipelineException(ErrorCategory.USAGE_OR_CONFIG, "serve: the environment variable " + variable
            + " is set; it would override serve.host / serve.port. Unset it and use those keys");
      }
    }
    requireFreePort(serve);
    Path scratch;
    try {
      scratch = Files.createTempDirectory("sentiment-serve-");
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create a scratch folder for the Hive metastore", e);
    }
    if (System.getProperty("derby.system.home") == null) {
      System.setProperty("derby.system.home", scratch.toString()); // derby.log goes here, not to the CWD
    }
    AtomicReference<SparkSessionExtensions> extensions = new AtomicReference<>();
    SparkSession spark = SparkSessions.start(withHive(sparkSettings, serve, scratch), warehouse, extensions::set);
    try {
      List<TableName> tables = warehouse.tables(spark);
      if (serve.readOnly()) {
        ReadOnlyCheck.install(extensions.get()); // after the tables are registered: that takes CREATE TABLE
      }
      spark.sparkContext().setJobDescription("serve " + serve.jdbcUrl());
      HiveThriftServer2 thrift = HiveThriftServer2.startWithContext(spark.sqlContext());
      Server server = new Server(spark, thrift, tables, serve.jdbcUrl(), scratch);
      requireListenerSettings(serve, server);
      awaitListening(serve, server);
      LOG.info("Serving {} tables at {}", tables.size(), serve.jdbcUrl());
      return server;
    } catch (RuntimeException e) {
      spark.stop();
      FileUtils.deleteQuietly(scratch.toFile());
      throw e;
    }
  }

  /**
   * The session settings that turn on the Hive catalog, keep Derby and Hive's scratch folders under
   * {@code scratch}, and set where and how the Thrift server listens. The listener settings, one
   * session per connection (which {@link ReadOnlyCheck} relies on) and, when read-only, no SQL on
   * files go in last.
   */
  static SparkSettings withHive(SparkSettings spark, ServeConfig serve, Path scratch) {
    Map<String, String> conf = new LinkedHashMap<>(spark.conf());
    conf.put("spark.sql.catalogImplementation", "hive");
    String hadoop = "spark.hadoop.";
    conf.put(hadoop + "javax.jdo.option.ConnectionURL",
        "jdbc:derby:;databaseName=" + scratch.resolve("metastore_db") + ";create=true");
    conf.put(hadoop + "hive.exec.scratchdir", scratch.resolve("hive-scratch").toString());
    conf.put(hadoop + "hive.exec.local.scratchdir", scratch.resolve("hive-local").toString());
    conf.put(hadoop + "hive.downloaded.resources.dir", scratch.resolve("hive-resources").toString());
    conf.put(hadoop + "hive.querylog.location", scratch.resolve("hive-querylog").toString());
    conf.put(hadoop + "hive.server2.logging.operation.log.location", scratch.resolve("operation-logs").toString());
    serve.hiveConf().forEach((key, value) -> conf.put(hadoop + key, value));
    serve.listenerHiveConf().forEach((key, value) -> conf.put(hadoop + key, value));
    conf.putAll(pinnedSparkConf(serve));
    return new SparkSettings(spark.master(), spark.appName(), conf, spark.progressInterval());
  }

  /** Spark settings serve decides itself, whatever spark.conf says. */
  private static Map<String, String> pinnedSparkConf(ServeConfig serve) {
    Map<String, String> pinned = new LinkedHashMap<>();
    pinned.put(SINGLE_SESSION, "false");
    if (serve.readOnly()) {
      pinned.put(RUN_SQL_ON_FILES, "false");
    }
    return pinned;
  }

  /**
   * Refuses a Spark setting that would set one of {@link ServeConfig#LISTENER_KEYS} (as the bare Hive
   * key, {@code spark.hadoop.*} or {@code spark.hive.*}: all of them reach Hive) or a pinned Spark
   * setting; {@code source} says where the keys came from, with {@code %s} for the key.
   */
  private static void refuseListenerSettings(Collection<String> keys, String source, ServeConfig serve) {
    Map<String, String> pinned = pinnedSparkConf(serve);
    for (String key : keys) {
      String hiveKey = key.replaceFirst("^spark\\.(hadoop\\.)?(?=hive\\.)", "");
      String instead = ServeConfig.LISTENER_KEYS.get(hiveKey);
      if (instead == null && pinned.containsKey(key)) {
        instead = RUN_SQL_ON_FILES.equals(key) ? "serve.read-only = false (then SQL on files is on)"
            : "nothing: serve opens one session per JDBC connection";
      }
      if (instead != null) {
        throw new PipelineException(ErrorCategory.USAGE_OR_CONFIG, "serve: " + source.formatted(key)
            + " may not be set: it decides who can reach the server or what clients may do; use " + instead);
      }
    }
  }

  /** Fails with a usage error naming the key if something already listens on the port. */
  private static void requireFreePort(ServeConfig serve) {
    try (ServerSocket probe = new ServerSocket()) {
      probe.setReuseAddress(true);
      probe.bind(new InetSocketAddress(serve.host(), serve.port()));
    } catch (IOException e) {
      throw new PipelineException(
          ErrorCategory.USAGE_OR_CONFIG,
          "serve: cannot listen on " + serve.host() + ":" + serve.port() + " (" + e.getMessage()
              + "); is another server running? Choose another port with --set serve.port=N");
    }
  }

  /**
   * Checks that the Hive configuration the server was started with holds serve's listener settings,
   * whatever else (a hive-site.xml, a Spark default) was read; stops it otherwise.
   */
  private static void requireListenerSettings(ServeConfig serve, Server server) {
    serve.listenerHiveConf().forEach((key, expected) -> {
      String actual = server.thrift().getHiveConf().get(key);
      if (!expected.equalsIgnoreCase(actual)) {
        server.close();
        throw new PipelineException(ErrorCategory.INTERNAL, "serve: the Thrift server started with " + key + " = "
            + actual + " instead of " + expected + " (from serve.*); it was stopped. Something overrides it");
      }
    });
  }

  /** The Thrift service binds in a thread of its own: wait until it accepts connections. */
  private static void awaitListening(ServeConfig serve, Server server) {
    String connectTo = "0.0.0.0".equals(serve.host()) || "::".equals(serve.host()) ? "127.0.0.1" : serve.host();
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (System.nanoTime() < deadline) {
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress(connectTo, serve.port()), 1000);
        return;
      } catch (IOException notYet) {
        try {
          Thread.sleep(200);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    server.close();
    throw new PipelineException(
        ErrorCategory.INTERNAL, "serve: the Thrift server did not start listening on " + serve.host() + ":" + serve.port()
            + " within 60 s; see the log above");
  }
}
