package io.sentimentpipeline.jobs.cli;

import io.sentimentpipeline.jobs.catalog.TableMaintenance;
import io.sentimentpipeline.jobs.catalog.Warehouse;
import java.time.LocalDate;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;

@Command(
    name = "optimize",
    header = "OPTIMIZE and Z-order the gold tables by entity and date.",
    footerHeading = "%nExample:%n",
    footer = {"  ./pipeline optimize --conf nightly.conf"},
    description = {
      "OPTIMIZE the gold tables: Z-order gold.entity_daily_sentiment and gold.sentiment_alerts by",
      "(entity, event_date), compact gold.sentiment_scores. The last step of `run`; tables that do",
      "not exist yet are skipped. Rewrites files only: the tables' rows do not change."
    })
final class OptimizeCommand extends SparkCommand {

  @Override
  void execute(SparkSession spark, PipelineConfig config, LocalDate runDate) {
    out().println("optimize " + TableMaintenance.optimizeGold(spark, new Warehouse(config.warehouse())));
  }
}
