package io.sentimentpipeline.jobs.cli;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "sql",
    header = "Run one Spark SQL query over the warehouse tables and print the result.",
    description = {
      "Run one Spark SQL query over the warehouse tables and print the result.",
      "Example: pipeline sql \"select domain, count(*) from silver.documents group by domain\""
    })
final class SqlCommand extends SparkCommand {

  @Parameters(index = "0", paramLabel = "QUERY", description = "The query; tables are named layer.table.")
  String query;

  @Option(names = "--limit", defaultValue = "100", description = "Print at most this many rows (default: ${DEFAULT-VALUE}).")
  int limit;

  enum Format { TABLE, CSV }

  @Option(
      names = "--format",
      defaultValue = "table",
      description = "table (for people) or csv (RFC 4180 with a header, for files). Default: ${DEFAULT-VALUE}.")
  Format format;

  @Override
  void execute(SparkSession spark, PipelineConfig config, LocalDate runDate) {
    Dataset<Row> result = spark.sql(query);
    List<Row> rows = result.limit(limit + 1).collectAsList();
    List<List<String>> cells = new ArrayList<>();
    for (Row row : rows.subList(0, Math.min(limit, rows.size()))) {
      List<String> values = new ArrayList<>();
      for (int i = 0; i < row.length(); i++) {
        values.add(row.isNullAt(i) ? null : render(row.get(i)));
      }
      cells.add(values);
    }
    if (format == Format.CSV) {
      out().print(TableFormatter.csv(Arrays.asList(result.columns()), cells));
      if (rows.size() > limit) {
        spec.commandLine().getErr().println("(first " + limit + " rows; use --limit to see more)");
      }
      return;
    }
    out().print(TableFormatter.format(Arrays.asList(result.columns()), cells));
    out().println(rows.size() > limit ? "(first " + limit + " rows; use --limit to see more)" : "(" + rows.size() + " rows)");
  }

  private static String render(Object value) {
    if (value instanceof scala.collection.Seq<?> seq) {
      return scala.collection.JavaConverters.seqAsJavaList(seq).toString();
    }
    return String.valueOf(value);
  }
}
