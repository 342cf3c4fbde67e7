package io.sentimentpipeline.jobs.cli;

import io.sentimentpipeline.jobs.clean.CleanJob;
import io.sentimentpipeline.jobs.config.PipelineConfig;
import java.time.LocalDate;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;

@Command(
    name = "clean",
    description = {
      "Clean the run date's bronze batch into silver.documents (deduplicated by MERGE) and",
      "silver.quarantine (rejected rows with reason); prints the batch's accounting."
    })
final class CleanCommand extends SparkCommand {

  @Override
  void execute(SparkSession spark, PipelineConfig config, LocalDate runDate) {
    out().println("clean " + CleanJob.run(spark, config, runDate));
  }
}
