package io.sentimentpipeline.jobs.cli;

import io.sentimentpipeline.jobs.catalog.Warehouse;
import io.sentimentpipeline.jobs.serve.ServeJob;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.apache.hadoop.util.ShutdownHookManager;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * Runs until the process is stopped. Builds its own Spark session (with the Hive catalog the Thrift
 * server needs) rather than the command's usual one, because Hive support cannot be switched on in a
 * session that already exists.
 */
@Command(
    name = "serve",
    header = "Serve the tables over JDBC/ODBC (Spark's Thrift server) until stopped.",
    description = {
      "Serve the warehouse tables over JDBC/ODBC (Spark's Thrift server, the HiveServer2 protocol of",
      "Tableau, Power BI, Superset, DBeaver, Looker) until stopped with Ctrl-C or SIGTERM.",
      "Listens on serve.host:serve.port (default 127.0.0.1:10000). Any other host needs",
      "serve.auth = ldap | kerberos | custom and its serve.hive-conf settings.",
      "Read-only: clients may run queries, SHOW, DESCRIBE, EXPLAIN, USE; serve.read-only=false allows writes.",
      "Tables are registered at start; restart to see tables created since (new data shows at once).",
      "Example: pipeline serve --set serve.port=10001   then   jdbc:hive2://127.0.0.1:10001/default"
    })
final class ServeCommand implements Callable<Integer> {

  /** Runs before Spark's own shutdown hook (priority 40), so the server stops before its context. */
  private static final int SHUTDOWN_PRIORITY = 50;

  @Mixin CommonOptions common;
  @Spec CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException {
    PipelineConfig config = PipelineConfig.load(common.conf, common.overrides);
    ServeJob.Server server = ServeJob.start(new Warehouse(config.warehouse()), config.spark(), config.serve());
    CountDownLatch stopped = new CountDownLatch(1);
    ShutdownHookManager.get().addShutdownHook(
        () -> {
          server.close();
          stopped.countDown();
          System.err.println("serve: stopped");
        },
        SHUTDOWN_PRIORITY);
    PrintWriter out = spec.commandLine().getOut();
    out.println("serve: " + server.tables().size() + " tables " + server.tables());
    out.println("serve: listening at " + server.jdbcUrl() + " (Ctrl-C stops)");
    out.flush();
    stopped.await();
    return 0;
  }
}
