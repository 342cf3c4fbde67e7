package io.sentimentpipeline.jobs.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sentimentpipeline.jobs.GoldFixture;
import io.sentimentpipeline.jobs.InProcessCli;
import io.sentimentpipeline.jobs.SparkTestBase;
import io.sentimentpipeline.jobs.catalog.Warehouse;
import io.sentimentpipeline.jobs.cli.PipelineCli;
import io.sentimentpipeline.jobs.cli.SessionFactory;
import io.sentimentpipeline.jobs.registry.ModelRegistry;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import picocli.CommandLine;

/**
 * The Airflow DAGs cannot drift from the CLI: every DAG file compiles with python3; the nightly
 * DAG's tasks are exactly the steps {@code pipeline run} executes ({@code pipeline steps}); and the
 * exact application arguments of every task, as the DAG files' operators hold them (loaded against
 * a stand-in for Airflow by {@code airflow/tests/check_dags.py}, templates rendered for one date),
 * run in order through the pipeline's CLI against a demo warehouse. A DAG naming a subcommand the
 * CLI lacks, or leaving out a step of {@code run}, fails here.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AirflowDagCommandsTest extends SparkTestBase {

  private static final String DS = "2026-11-20"; // the demo's NVX surge: the nightly alerts fire
  private static Path conf;

  /** The file the {@code sentiment_conf} Variable would name: the embedded defaults, made small. */
  @BeforeAll
  static void writeConfAndDemoCorpus() throws Exception {
    conf = workDir.resolve("airflow-test.conf");
    Files.writeString(conf, String.join("\n",
        "include classpath(\"conf/local.conf\")",
        "warehouse = \"" + workDir.resolve("warehouse") + "\"",
        "demo { output = \"" + workDir.resolve("demo") + "\", reviews = 150, news-days = 60 }",
        "tokenize.max-length = 64",
        "train { epochs = 1, max-steps = 3, batch-size = 8, checkpoint-dir = \"" + workDir.resolve("checkpoints") + "\" }",
        "alerts { min-documents = 3, min-baseline-days = 5, output-dir = \"" + workDir.resolve("alerts") + "\" }",
        "score.domains = [review]   # the review model the retrain DAG trains; news scores come from GoldFixture",
        ""));
    InProcessCli.Outcome demo = InProcessCli.run(spark, List.of("demo-data", "--conf", conf.toString()));
    assertThat(demo.exitCode()).as(demo.err()).isZero();
  }

  private static JsonNode printedCommands() throws Exception {
    Python.Result printed = Python.run("airflow/tests/check_dags.py", "--ds", DS, "--conf", conf.toString());
    assertThat(printed.exitCode()).as(printed.err()).isZero();
    JsonNode commands = new ObjectMapper().readTree(printed.out());
    assertThat(commands.get("main_class").asText()).isEqualTo(PipelineCli.class.getName());
    return commands;
  }

  private static List<String> args(JsonNode task) {
    List<String> args = new ArrayList<>();
    task.get("args").forEach(arg -> args.add(arg.asText()));
    return args;
  }

  private static List<String> taskIds(JsonNode dag) {
    List<String> ids = new ArrayList<>();
    dag.forEach(task -> ids.add(task.get("task_id").asText()));
    return ids;
  }

  /** The subcommands the CLI really has, read from its picocli model. */
  private static Set<String> subcommands() {
    return PipelineCli.commandLine(new PipelineCli(SessionFactory.perCommand())).getSubcommands().keySet();
  }

  /** Runs one DAG task's arguments through the CLI; the subcommand must exist and succeed. */
  private static void runTask(JsonNode task, String... localOverrides) {
    List<String> args = new ArrayList<>(args(task));
    args.addAll(List.of(localOverrides));
    assertThat(subcommands()).as("DAG task %s names a pipeline subcommand", task.get("task_id")).contains(args.get(0));
    assertThat(args).containsSubsequence("--run-date", DS).containsSubsequence("--conf", conf.toString());
    InProcessCli.Outcome outcome = InProcessCli.run(spark, args);
    assertThat(outcome.exitCode()).as(outcome.describe(args)).isZero();
  }

  @Test
  void everyDagFileCompiles() throws Exception {
    List<String> files;
    try (Stream<Path> dags = Files.list(Python.REPO.resolve("airflow/dags"))) {
      files = dags.filter(p -> p.toString().endsWith(".py")).map(Path::toString).sorted().toList();
    }
    assertThat(files).extracting(f -> Path.of(f).getFileName().toString())
        .contains("sentiment_nightly.py", "sentiment_retrain.py", "sentiment_tasks.py");
    String script = "import py_compile, sys, tempfile, os\n"
        + "out = tempfile.mkdtemp()\n"
        + "for i, f in enumerate(sys.argv[1:]):\n"
        + "    py_compile.compile(f, cfile=os.path.join(out, '%d.pyc' % i), doraise=True)\n";
    List<String> args = new ArrayList<>(List.of("-c", script));
    args.addAll(files);
    args.add(Python.REPO.resolve("airflow/tests/print_commands.py").toString());
    args.add(Python.REPO.resolve("airflow/tests/check_dags.py").toString());
    Python.Result compiled = Python.run(args.toArray(String[]::new));
    assertThat(compiled.exitCode()).as(compiled.err()).isZero();
  }

  /**
   * The DAG files against a stand-in for the Airflow API (Airflow is not installable here), with
   * Airflow 3's imports ({@code airflow.sdk}) and with 2.x's: their operators are the builder's
   * tasks, in order and chained, each with an execution_timeout; a pipeline exit 64 or 65 fails a
   * task without retry, 70 and 75 are retried; retries, backoff, a failure callback, one active run,
   * no clock and no Variable read at parse time (the retrain schedule comes from the environment).
   */
  @Test
  void theDagFilesWireTheBuildersTasksInOrder() throws Exception {
    Python.Result checked = Python.run("airflow/tests/check_dags.py");
    assertThat(checked.exitCode()).as(checked.err()).isZero();
    assertThat(checked.out().trim()).isEqualTo("ok");
  }

  /** `pipeline steps --run-date D`: one line per step of `run`, its arguments separated by tabs. */
  private static List<List<String>> runSteps(String runDate) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = PipelineCli.commandLine(new PipelineCli(SessionFactory.perCommand()));
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    assertThat(cli.execute("steps", "--run-date", runDate)).as(err.toString()).isZero();
    return out.toString().lines().map(line -> List.of(line.split("\t"))).toList();
  }

  @Test
  void theNightlyDagsTasksAreTheStepsRunExecutes() throws Exception {
    List<List<String>> steps = runSteps(DS);
    assertThat(steps).extracting(step -> step.get(0))
        .as("the sequence of `pipeline run`")
        .containsExactly("ingest", "clean", "tokenize", "score", "alerts", "optimize");
    assertThat(steps.get(4)).as("alerts recomputes the trailing alerts.recompute-days").contains("--nightly");

    JsonNode nightly = printedCommands().get("sentiment_nightly");
    List<List<String>> dagSteps = new ArrayList<>();
    for (JsonNode task : nightly) {
      List<String> args = args(task);
      assertThat(args.subList(args.size() - 2, args.size())).as("%s ends with the deployment's --conf", task)
          .containsExactly("--conf", conf.toString());
      assertThat(task.get("task_id").asText()).isEqualTo(args.get(0));
      dagSteps.add(args.subList(0, args.size() - 2));
    }
    assertThat(dagSteps).as("the nightly DAG's task commands for %s equal `pipeline steps --run-date %s`", DS, DS)
        .isEqualTo(steps);

    InProcessCli.Outcome both = InProcessCli.run(spark,
        List.of("alerts", "--nightly", "--from", DS, "--run-date", DS, "--conf", conf.toString()));
    assertThat(both.exitCode()).as(both.describe(List.of("alerts --nightly --from"))).isEqualTo(64);
  }

  @Test
  void everyDagTaskHasAnExecutionTimeout() throws Exception {
    JsonNode commands = printedCommands();
    for (String dag : List.of("sentiment_nightly", "sentiment_retrain")) {
      for (JsonNode task : commands.get(dag)) {
        assertThat(task.get("execution_timeout_s").asDouble()).as("%s.%s execution_timeout", dag, task.get("task_id"))
            .isPositive();
      }
    }
  }

  @Test
  @Order(1)
  @Tag("slow")
  void theNightlyDagsCommandsRunInOrderAgainstTheDemoWarehouse() throws Exception {
    JsonNode nightly = printedCommands().get("sentiment_nightly");
    assertThat(taskIds(nightly)).containsExactly("ingest", "clean", "tokenize", "score", "alerts", "optimize");
    for (JsonNode task : nightly) {
      if (task.get("task_id").asText().equals("score")) {
        // Fixture scores (from the demo labels) so that the surge shows whatever a model would make of it;
        // scoreStepsOfBothDagsRun runs the real score command with a trained model.
        Warehouse warehouse = new Warehouse(workDir.resolve("warehouse").toString());
        GoldFixture.writeScores(spark, warehouse);
        GoldFixture.registerChampion(spark, warehouse, "news");
        continue;
      }
      runTask(task);
    }
    assertThat(spark.sql("select count(*) from silver.tokens").first().getLong(0)).isPositive();
    assertThat(spark.sql("select entity from gold.sentiment_alerts where event_date = date'" + DS + "'").collectAsList())
        .extracting(row -> row.getString(0)).contains("NVX");
  }

  @Test
  @Order(2)
  @Tag("slow")
  void theRetrainDagsTrainCommandRunsWithTheReadmesGpuSettings() throws Exception {
    JsonNode retrain = printedCommands().get("sentiment_retrain");
    assertThat(taskIds(retrain)).containsExactly("train", "score");
    JsonNode train = retrain.get(0);
    // README, "GPU retrain": one GPU per executor, train.gpus-per-task for the training stage only,
    // never spark.task.resource.gpu.amount (every task of every stage would wait for a GPU).
    assertThat(train.get("spark_conf").get("spark.executor.resource.gpu.amount").asText()).isEqualTo("1");
    assertThat(train.get("spark_conf").has("spark.task.resource.gpu.amount")).isFalse();
    assertThat(args(train)).containsSubsequence("--set", "train.gpus-per-task=1");
    runTask(train, "--set", "train.gpus-per-task=0"); // the DAG's command; this machine has no GPU (a later --set wins)
    assertThat(spark.sql("select count(*) from ml.training_runs where domain = 'review'").first().getLong(0)).isEqualTo(1);
  }

  @Test
  @Order(3)
  @Tag("slow")
  void scoreStepsOfBothDagsRun() throws Exception {
    // The 3-step retrain cannot beat the baseline, so crown it: the score command is under test here.
    ModelRegistry registry = new ModelRegistry(spark, new Warehouse(workDir.resolve("warehouse").toString()));
    registry.promote("review-sentiment", registry.nextVersion("review-sentiment") - 1,
        ModelRegistry.Change.byCurrentUser("AirflowDagCommandsTest: the score command is under test", Instant.now()));
    JsonNode commands = printedCommands();
    for (String dag : List.of("sentiment_nightly", "sentiment_retrain")) {
      for (JsonNode task : commands.get(dag)) {
        if (task.get("task_id").asText().equals("score")) {
          runTask(task);
        }
      }
    }
    assertThat(spark.sql("select count(*) from gold.sentiment_scores where model_name = 'review-sentiment'").first().getLong(0))
        .as("every review scored once, whichever DAG ran the score step first")
        .isEqualTo(spark.sql("select count(*) from silver.documents where domain = 'review'").first().getLong(0));
  }
}
