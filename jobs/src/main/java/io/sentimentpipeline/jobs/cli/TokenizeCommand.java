package io.sentimentpipeline.jobs.cli;

import io.sentimentpipeline.jobs.catalog.Warehouse;
import io.sentimentpipeline.jobs.tokenize.TokenizeJob;
import java.time.LocalDate;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;

@Command(
    name = "tokenize",
    header = "Tokenize new documents into silver.tokens for the configured encoder.",
    footerHeading = "%nExample:%n",
    footer = {"  ./pipeline tokenize --conf nightly.conf --set tokenize.max-length=128"},
    description = {
      "Tokenize new documents into silver.tokens for the configured encoder.",
      "Spark NLP words (tokens, norm_tokens) plus the encoder's own WordPiece ids (input_ids);",
      "prints counts, the parity of the tokenize.parity-sample share, and the rate."
    })
final class TokenizeCommand extends SparkCommand {

  @Override
  void execute(SparkSession spark, PipelineConfig config, LocalDate runDate) {
    long start = System.nanoTime();
    TokenizeJob.Result tokenize = TokenizeJob.run(spark, new Warehouse(config.warehouse()), config.tokenize());
    double seconds = (System.nanoTime() - start) / 1e9;
    out().println("tokenize " + tokenize);
    out().println(RunCommand.tokenizeRate(tokenize, seconds));
  }
}
