package io.sentimentpipeline.jobs.catalog;

import io.delta.tables.DeltaTable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The folder (local, HDFS or object store) that holds every Delta table as {@code
 * <warehouse>/<layer>/<table>}. The folder layout is the catalog: at session start each table found
 * there is registered by name, so {@code select * from silver.documents} works in any session, on
 * any machine that sees the folder, with no metastore to keep in sync.
 */
public final class Warehouse {

  private final String root;

  /** @param root the warehouse location; a relative local path is made absolute. */
  public Warehouse(String root) {
    this.root = root.contains("://") ? stripSlash(root) : stripSlash(java.nio.file.Path.of(root).toAbsolutePath().normalize().toString());
  }

  public String root() {
    return root;
  }

  /** The warehouse folder on this machine's file system, or null when it lives on HDFS or an object store. */
  public java.nio.file.Path localRoot() {
    if (!root.contains("://")) {
      return java.nio.file.Path.of(root);
    }
    return root.startsWith("file://") ? java.nio.file.Path.of(java.net.URI.create(root)) : null;
  }

  public String location(TableName table) {
    return root + "/" + table.layer() + "/" + table.table();
  }

  /** A table's current rows. */
  public Dataset<Row> read(SparkSession spark, TableName table) {
    return spark.read().format("delta").load(location(table));
  }

  /** Appends rows (in one commit; columns the table lacks are added), creating the table if absent. */
  public void append(Dataset<Row> rows, TableName table, String... partitionBy) {
    rows.write().format("delta").mode("append").option("mergeSchema", "true").partitionBy(partitionBy).save(location(table));
  }

  /**
   * Replaces the rows {@code where} selects with {@code rows}, in one commit (a rerun leaves one copy);
   * columns and nested fields the table lacks are added (older rows get null), so a warehouse
   * written by an earlier version needs no migration.
   */
  public void replace(Dataset<Row> rows, TableName table, String where, String... partitionBy) {
    rows.write().format("delta").mode("overwrite").option("replaceWhere", where).option("mergeSchema", "true")
        .partitionBy(partitionBy).save(location(table));
  }

  /**
   * Inserts the rows whose {@code key} columns are new to the table, in one MERGE commit, creating
   * the table if absent; returns how many rows were inserted (SQL's MERGE reports it; the builder
   * API of Delta 3 does not).
   */
  public long insertNew(SparkSession spark, Dataset<Row> rows, TableName table, List<String> key, String... partitionBy) {
    DeltaTable.createIfNotExists(spark).location(location(table)).addColumns(rows.schema()).partitionedBy(partitionBy).execute();
    String view = "insert_new_" + table.layer() + "_" + table.table();
    rows.createOrReplaceTempView(view);
    String on = String.join(" AND ", key.stream().map(column -> "target.`" + column + "` = source.`" + column + "`").toList());
    try {
      return spark.sql("MERGE INTO delta.`" + location(table).replace("`", "``") + "` AS target USING " + view
              + " AS source ON " + on + " WHEN NOT MATCHED THEN INSERT *")
          .select("num_inserted_rows").first().getLong(0);
    } finally {
      spark.catalog().dropTempView(view);
    }
  }

  public boolean exists(SparkSession spark, TableName table) {
    return DeltaTable.isDeltaTable(spark, location(table));
  }

  /** Registers one table's location under its SQL name (idempotent). */
  public void register(SparkSession spark, TableName table) {
    spark.sql(
        "CREATE DATABASE IF NOT EXISTS " + table.layer() + " LOCATION '" + quote(root + "/" + table.layer()) + "'");
    spark.sql(
        "CREATE TABLE IF NOT EXISTS " + table.sql() + " USING delta LOCATION '" + quote(location(table)) + "'");
  }

  /** Registers every Delta table under the warehouse; returns them in layer, name order. */
  public List<TableName> registerAll(SparkSession spark) {
    List<TableName> tables = tables(spark);
    for (TableName table : tables) {
      register(spark, table);
    }
    return tables;
  }

  /** Every Delta table under the warehouse, in layer, name order. */
  public List<TableName> tables(SparkSession spark) {
    List<TableName> tables = new ArrayList<>();
    try {
      Path rootPath = new Path(root);
      FileSystem fs = rootPath.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!fs.exists(rootPath)) {
        return tables;
      }
      FileStatus[] logs = fs.globStatus(new Path(rootPath, "*/*/_delta_log"));
      if (logs == null) {
        return tables;
      }
      for (FileStatus log : logs) {
        Path tableDir = log.getPath().getParent();
        String layer = tableDir.getParent().getName();
        if (layer.matches("[a-z][a-z0-9_]*") && tableDir.getName().matches("[a-z][a-z0-9_]*")) {
          tables.add(new TableName(layer, tableDir.getName()));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list the warehouse " + root, e);
    }
    tables.sort((a, b) -> a.sql().compareTo(b.sql()));
    return tables;
  }

  private static String quote(String path) {
    return path.replace("\\", "\\\\").replace("'", "\\'");
  }

  private static String stripSlash(String path) {
    return path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
  }
}
