package io.sentimentpipeline.jobs.cli;

import io.sentimentpipeline.jobs.config.PipelineConfig;
import io.sentimentpipeline.jobs.tokenize.TokenizeJob;
import java.time.LocalDate;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;

@Command(
    name = "tokenize",
    description = {
      "Tokenize documents not yet in silver.tokens for the configured encoder: Spark NLP words",
      "plus the encoder's own WordPiece ids."
    })
final class TokenizeCommand extends SparkCommand {

  @Override
  void execute(SparkSession spark, PipelineConfig config, LocalDate runDate) {
    out().println("tokenize " + TokenizeJob.run(spark, config));
  }
}
