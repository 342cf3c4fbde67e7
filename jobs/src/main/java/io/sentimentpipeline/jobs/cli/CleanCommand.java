package io.sentimentpipeline.jobs.cli;

import io.sentimentpipeline.jobs.catalog.Warehouse;
import io.sentimentpipeline.jobs.clean.CleanJob;
import java.time.LocalDate;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;

@Command(
    name = "clean",
    header = "Clean the run date's bronze batch into silver.documents and the quarantine.",
    footerHeading = "%nExample:%n",
    footer = {"  ./pipeline clean --conf nightly.conf --run-date 2026-11-27"},
    description = {
      "Clean the run date's bronze batch into silver.documents and silver.quarantine.",
      "Documents are deduplicated by MERGE on doc_id; rejected rows keep their reason and raw record.",
      "Prints the batch's accounting: read = kept + quarantined + duplicates."
    })
final class CleanCommand extends SparkCommand {

  @Override
  void execute(SparkSession spark, PipelineConfig config, LocalDate runDate) {
    out().println("clean " + CleanJob.run(spark, new Warehouse(config.warehouse()), config.clean(), runDate));
  }
}
