package io.sentimentpipeline.jobs.cli;

import java.io.PrintWriter;
import java.time.LocalDate;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** A subcommand that loads the configuration, opens a Spark session, runs and prints. */
abstract class SparkCommand implements Callable<Integer> {

  @Mixin CommonOptions common;
  @Spec CommandSpec spec;
  @Override
  public final Integer call() {
    PipelineConfig config = config();
    // The root, not the parent: a command may sit under a group such as `models`.
    PipelineCli cli = (PipelineCli) spec.root().userObject();
    SparkSession spark = cli.sessions().open(config);
    try {
      execute(spark, config, common.runDate());
    } finally {
      out().flush();
      cli.sessions().release(spark);
    }
    return 0;
  }

  PipelineConfig config() {
    return PipelineConfig.load(common.conf, common.overrides);
  }

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  abstract void execute(SparkSession spark, PipelineConfig config, LocalDate runDate);
}
