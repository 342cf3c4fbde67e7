package io.sentimentpipeline.jobs.cli;

import io.delta.tables.DeltaTable;
import io.sentimentpipeline.jobs.catalog.TableName;
import io.sentimentpipeline.jobs.catalog.Warehouse;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;

@Command(name = "tables",
    header = "List the warehouse's tables with their row count and Delta version.",
    footerHeading = "%nExample:%n",
    footer = {"  ./pipeline tables --conf nightly.conf"}, description = "List the warehouse's tables with their row count and Delta version.")
final class TablesCommand extends SparkCommand {

  @Override
  void execute(SparkSession spark, PipelineConfig config, LocalDate runDate) {
    Warehouse warehouse = new Warehouse(config.warehouse());
    List<List<String>> rows = new ArrayList<>();
    for (TableName table : warehouse.tables(spark)) {
      String location = warehouse.location(table);
      long version = DeltaTable.forPath(spark, location).history(1).select("version").first().getLong(0);
      long count = warehouse.read(spark, table).count();
      rows.add(List.of(table.sql(), Long.toString(count), Long.toString(version), location));
    }
    out().print(TableFormatter.format(List.of("table", "rows", "delta_version", "location"), rows));
    if (rows.isEmpty()) {
      String run = common.conf == null ? "`./pipeline run --demo-data`" : CommandHints.withConf("`./pipeline run`", common.conf);
      out().println("No tables yet in " + warehouse.root() + ": run " + run + ".");
    }
  }
}
