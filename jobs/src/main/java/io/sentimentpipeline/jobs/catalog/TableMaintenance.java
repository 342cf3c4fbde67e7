package io.sentimentpipeline.jobs.catalog;

import io.delta.tables.DeltaTable;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSession;

/**
 * Keeps the gold tables fast for BI tools after each nightly run: OPTIMIZE compacts the small
 * files a night's MERGEs leave, and Z-ordering by (entity, event_date) clusters the rows that a
 * dashboard filtering on a company and a date range reads, so data skipping prunes most files.
 */
public final class TableMaintenance {

  private TableMaintenance() {}

  /** Optimizes each gold table that exists; returns what it did, e.g. for the run's output. */
  public static String optimizeGold(SparkSession spark, Warehouse warehouse) {
    List<String> done = new ArrayList<>();
    for (TableName table : List.of(TableName.ENTITY_DAILY, TableName.SENTIMENT_ALERTS)) {
      if (warehouse.exists(spark, table)) {
        DeltaTable.forPath(spark, warehouse.location(table)).optimize().executeZOrderBy("entity", "event_date");
        done.add(table + " z-ordered by (entity, event_date)");
      }
    }
    if (warehouse.exists(spark, TableName.SENTIMENT_SCORES)) {
      DeltaTable.forPath(spark, warehouse.location(TableName.SENTIMENT_SCORES)).optimize().executeCompaction();
      done.add(TableName.SENTIMENT_SCORES + " compacted");
    }
    return done.isEmpty() ? "nothing to optimize" : String.join(", ", done);
  }
}
