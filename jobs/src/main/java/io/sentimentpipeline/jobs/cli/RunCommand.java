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
    description = "Run the nightly sequence for a run date: ingest, clean, tokenize; prints counts and rates.")
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
    long start = System.nanoTime();
    IngestJob.Result ingest = IngestJob.run(spark, config, runDate);
    out().println(ingest);
    CleanJob.Result clean = CleanJob.run(spark, config, runDate);
    out().println("clean " + clean);
    double ingestCleanSeconds = seconds(start);
    out().printf(
        "rate ingest+clean: %d rows in %.1f s = %.0f rows/s%n",
        ingest.rowsRead(), ingestCleanSeconds, ingest.rowsRead() / ingestCleanSeconds);

    start = System.nanoTime();
    TokenizeJob.Result tokenize = TokenizeJob.run(spark, config);
    out().println("tokenize " + tokenize);
    double tokenizeSeconds = seconds(start);
    out().printf(
        "rate tokenize: %d docs in %.1f s = %.0f docs/s, %.0f Spark NLP tokens/s, %.0f WordPiece ids/s%n",
        tokenize.documents(), tokenizeSeconds, tokenize.documents() / tokenizeSeconds,
        tokenize.tokens() / tokenizeSeconds, tokenize.inputIds() / tokenizeSeconds);
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }
}
