package io.sentimentpipeline.jobs.cli;

import io.sentimentpipeline.jobs.catalog.Warehouse;
import io.sentimentpipeline.jobs.ingest.IngestJob;
import java.time.LocalDate;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;

@Command(
    name = "ingest",
    header = "Append each source's new files to bronze.<source>_raw; record every file.",
    footerHeading = "%nExample:%n",
    footer = {"  ./pipeline ingest --conf nightly.conf --run-date 2026-11-27"},
    description = "Append each source's new files to bronze.<source>_raw (already ingested files are skipped).")
final class IngestCommand extends SparkCommand {

  @Override
  void execute(SparkSession spark, PipelineConfig config, LocalDate runDate) {
    out().println(IngestJob.run(spark, new Warehouse(config.warehouse()), config.sources(), runDate));
  }
}
