package io.sentimentpipeline.jobs.cli;

import static org.apache.spark.sql.functions.col;

import io.sentimentpipeline.jobs.ErrorCategory;
import io.sentimentpipeline.jobs.PipelineException;
import io.sentimentpipeline.jobs.catalog.Warehouse;
import io.sentimentpipeline.jobs.config.Target;
import io.sentimentpipeline.jobs.registry.ModelRegistry;
import io.sentimentpipeline.udfs.score.BundleExport;
import io.sentimentpipeline.udfs.score.BundleSpec;
import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code pipeline models list | show | promote | rollback | retire | export-onnx}: the model registry
 * by hand. Each change is one Delta commit on {@code ml.models} (status plus who, when and why) and rows in
 * the append-only {@code ml.model_events}.
 */
@Command(
    name = "models",
    header = "List, show, promote, roll back, retire or export model versions in ml.models.",
    description = "List, inspect, promote, roll back and retire model versions in ml.models.",
    mixinStandardHelpOptions = true,
    subcommands = {
      ModelsCommand.ListModels.class,
      ModelsCommand.Show.class,
      ModelsCommand.Promote.class,
      ModelsCommand.Rollback.class,
      ModelsCommand.Retire.class,
      ModelsCommand.ExportOnnx.class
    })
final class ModelsCommand {

  private static final List<String> LIST_COLUMNS =
      List.of("model_name", "version", "domain", "target", "status", "val_macro_f1", "baseline", "created_at", "decision");

  static ModelRegistry registry(SparkSession spark, PipelineConfig config) {
    return new ModelRegistry(spark, new Warehouse(config.warehouse()));
  }

  /** Each value as Spark casts it to a string (arrays as [a, b], maps as {k -> v}); null stays null. */
  private static List<List<String>> strings(Dataset<Row> rows) {
    Column[] columns = Arrays.stream(rows.columns()).map(c -> col(c).cast("string").as(c)).toArray(Column[]::new);
    List<List<String>> out = new ArrayList<>();
    for (Row row : rows.select(columns).collectAsList()) {
      List<String> cells = new ArrayList<>();
      for (String name : rows.columns()) {
        cells.add(row.getAs(name));
      }
      out.add(cells);
    }
    return out;
  }

  private static void printEvents(SparkCommand command, List<ModelRegistry.Event> events, String nothing) {
    if (events.isEmpty()) {
      command.out().println(nothing);
      return;
    }
    for (ModelRegistry.Event event : events) {
      command.out().println(event.action().name().toLowerCase(java.util.Locale.ROOT) + " " + event.describe()
          + " (by " + event.change().by() + " at " + event.change().at() + ": " + event.change().reason() + ")");
    }
  }

  @Command(name = "list", description = "The registered versions, by domain, model and version.")
  static final class ListModels extends SparkCommand {

    @Option(names = "--domain", description = "Only this domain's versions.")
    String domain;

    @Override
    void execute(SparkSession spark, PipelineConfig config, LocalDate runDate) {
      Dataset<Row> versions = registry(spark, config).versions();
      if (domain != null) {
        versions = versions.where(col("domain").equalTo(domain));
      }
      Dataset<Row> shown =
          versions.select(
              col("model_name"), col("version"), col("domain"),
              org.apache.spark.sql.functions.coalesce(col("target"), org.apache.spark.sql.functions.lit(Target.DOCUMENT.key())).as("target"),
              col("status"),
              org.apache.spark.sql.functions.format_number(col("val_macro_f1"), 4).as("val_macro_f1"),
              org.apache.spark.sql.functions.format_number(col("baseline_val_macro_f1"), 4).as("baseline"),
              col("created_at"), col("decision"));
      List<List<String>> rows = strings(shown);
      out().print(TableFormatter.format(LIST_COLUMNS, rows));
      if (rows.isEmpty()) {
        out().println("No model versions" + (domain == null ? "" : " for " + domain) + " in " + ModelRegistry.MODELS
            + ": train one with `pipeline train --domain <review|news>`.");
      }
    }
  }

  /** A command on one version: {@code MODEL VERSION}. */
  abstract static class OneVersion extends SparkCommand {

    @Parameters(index = "0", paramLabel = "MODEL", description = "Model name, e.g. review-sentiment.")
    String model;

    @Parameters(index = "1", paramLabel = "VERSION", description = "Version number.")
    int version;
  }

  /** {@code --reason}: why a status changes, recorded with the change. */
  static final class Reason {

    @Option(names = "--reason", required = true, description = "Why, recorded in ml.models and ml.model_events.")
    String text;
  }

  @Command(name = "show", description = "Every column of one version, its training run and its status history.")
  static final class Show extends OneVersion {

    @Override
    void execute(SparkSession spark, PipelineConfig config, LocalDate runDate) {
      ModelRegistry registry = registry(spark, config);
      Row row = registry.version(model, version);
      Dataset<Row> one =
          registry.versions().where(col("model_name").equalTo(model).and(col("version").equalTo(version)));
      List<String> values = strings(one).get(0);
      List<List<String>> cells = new ArrayList<>();
      String[] names = one.columns();
      for (int i = 0; i < names.length; i++) {
        cells.add(List.of(names[i], values.get(i) == null ? "NULL" : values.get(i)));
      }
      out().print(TableFormatter.format(List.of("column", "value"), cells));
      out().println("bundle: " + row.getAs("bundle_path"));
      out().println("training run: " + trainingRun(spark, config, row.getAs("run_id")));
      List<List<String>> history =
          strings(registry.events(model, version)
              .select("changed_at", "action", "from_status", "to_status", "changed_by", "reason"));
      out().println("status history (" + ModelRegistry.EVENTS + "):");
      out().print(TableFormatter.format(List.of("changed_at", "action", "from_status", "to_status", "changed_by", "reason"), history));
    }

    private static String trainingRun(SparkSession spark, PipelineConfig config, String runId) {
      Warehouse warehouse = new Warehouse(config.warehouse());
      if (runId == null || !warehouse.exists(spark, ModelRegistry.RUNS)) {
        return runId + " (not in " + ModelRegistry.RUNS + ")";
      }
      List<Row> runs =
          warehouse.read(spark, ModelRegistry.RUNS)
              .where(col("run_id").equalTo(runId))
              .select("best_epoch", "steps", "tasks", "stopped_early", "started_at", "finished_at")
              .collectAsList();
      if (runs.isEmpty()) {
        return runId + " (not in " + ModelRegistry.RUNS + ")";
      }
      Row run = runs.get(0);
      return runId + " (best epoch " + run.getAs("best_epoch") + ", " + run.getAs("steps") + " steps, " + run.getAs("tasks")
          + " task(s), stopped early " + run.getAs("stopped_early") + ", " + run.getAs("started_at") + " to "
          + run.getAs("finished_at") + ")";
    }
  }

  @Command(
      name = "promote",
      description = {
        "Make a version its domain's champion; the previous champion becomes retired.",
        "Refuses a version whose bundle does not match the digests recorded at registration (exit 65)."
      })
  static final class Promote extends OneVersion {

    @Mixin Reason reason;

    @Override
    void execute(SparkSession spark, PipelineConfig config, LocalDate runDate) {
      ModelRegistry.Change change = ModelRegistry.Change.byCurrentUser(reason.text, Instant.now());
      printEvents(this, registry(spark, config).promote(model, version, change),
          model + " v" + version + " is already champion; nothing changed.");
    }
  }

  @Command(
      name = "rollback",
      description = {
        "Make the domain's previous champion (as ml.model_events records) champion again; the current one",
        "becomes retired. Two rollbacks in a row swap back. A domain has a champion per target (document, entity).",
        "Example: pipeline models rollback --domain news --target entity --reason \"v4 misreads two-company headlines\""
      })
  static final class Rollback extends SparkCommand {

    @Option(names = "--domain", required = true, description = "review or news.")
    String domain;

    @Option(names = "--target", defaultValue = "document", description = "document or entity: whose champion (default: ${DEFAULT-VALUE}).")
    String target;

    @Mixin Reason reason;

    @Override
    void execute(SparkSession spark, PipelineConfig config, LocalDate runDate) {
      ModelRegistry.Change change = ModelRegistry.Change.byCurrentUser(reason.text, Instant.now());
      printEvents(this, registry(spark, config).rollback(domain, Target.parse(target, "--target"), change), "nothing changed.");
    }
  }

  @Command(
      name = "retire",
      description = {
        "Retire a version. The champion is refused unless --force (its domain is then left without one",
        "and scoring fails until a promote or rollback)."
      })
  static final class Retire extends OneVersion {

    @Mixin Reason reason;

    @Option(names = "--force", description = "Retire it even if it is its domain's champion.")
    boolean force;

    @Override
    void execute(SparkSession spark, PipelineConfig config, LocalDate runDate) {
      ModelRegistry.Change change = ModelRegistry.Change.byCurrentUser(reason.text, Instant.now());
      ModelRegistry.IfChampion ifChampion = force ? ModelRegistry.IfChampion.RETIRE : ModelRegistry.IfChampion.REFUSE;
      printEvents(this, registry(spark, config).retire(model, version, ifChampion, change),
          model + " v" + version + " is already retired; nothing changed.");
    }
  }

  @Command(
      name = "export-onnx",
      description = {
        "Add model.onnx and model.int8.onnx (and bundle.json) to a version trained before training wrote them,",
        "so it scores with ONNX Runtime (score.engine). The bundle is verified against ml.models first; the new",
        "files' digests are recorded there. A base encoder without an ONNX graph is reported and nothing changes.",
        "Example: pipeline models export-onnx review-sentiment 3"
      })
  static final class ExportOnnx extends OneVersion {

    @Override
    void execute(SparkSession spark, PipelineConfig config, LocalDate runDate) {
      ModelRegistry registry = registry(spark, config);
      String name = model + " v" + version;
      Map<String, byte[]> files = registry.verifiedBundle(model, version);
      Map<String, byte[]> added;
      try {
        BundleSpec spec = BundleSpec.read(files, name);
        if (spec.onnxFp32() != null) {
          out().println(name + " already has " + spec.onnxFp32() + (spec.onnxInt8() == null ? "" : " and " + spec.onnxInt8())
              + "; nothing changed.");
          return;
        }
        if (files.containsKey(BundleSpec.FILE)) {
          out().println(name + " has no ONNX files: " + spec.onnxNote() + ". Its " + BundleSpec.FILE
              + " is registered and never replaced, so it scores with PyTorch; nothing changed.");
          return;
        }
        BundleExport.Result export = BundleExport.export(files, spec, name);
        if (export.files().isEmpty()) {
          out().println(name + " cannot be exported: " + export.spec().onnxNote() + ". It scores with PyTorch; nothing changed.");
          return;
        }
        added = new TreeMap<>(export.files());
        added.put(BundleSpec.FILE, export.spec().toJson());
      } catch (IOException | IllegalArgumentException e) {
        throw new PipelineException(ErrorCategory.BAD_INPUT, "Cannot export " + name + ": " + e.getMessage(), e);
      }
      String checksum = registry.addBundleFiles(model, version, added);
      out().println("Exported " + name + ": added " + String.join(", ", added.keySet()) + "; bundle checksum now " + checksum + ".");
    }
  }
}
