package io.sentimentpipeline.jobs.cli;

import io.sentimentpipeline.jobs.clean.CleanJob;
import io.sentimentpipeline.jobs.config.PipelineConfig;
import io.sentimentpipeline.jobs.ingest.IngestJob;
import io.sentimentpipeline.jobs.tokenize.TokenizeJob;
import java.nio.file.Files;
import java.time.LocalDate;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "run",
    description = "The nightly sequence for a run date: ingest -> clean -> tokenize.")
final class RunCommand extends SparkCommand {

  @Option(
      names = "--demo-data",
      description = "First write the demo corpus to demo.output if it is not there yet.")
  boolean demoData;

  @Override
  void execute(SparkSession spark, PipelineConfig config, LocalDate runDate) {
    if (demoData && !Files.isDirectory(config.demo().output())) {
      DemoDataCommand.write(config);
      out().println("demo-data written to " + config.demo().output());
    }
    out().println(IngestJob.run(spark, config, runDate));
    out().println("clean " + CleanJob.run(spark, config, runDate));
    out().println("tokenize " + TokenizeJob.run(spark, config));
  }
}
