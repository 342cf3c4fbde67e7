package io.sentimentpipeline.jobs.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sentimentpipeline.jobs.GoldFixture;
import io.sentimentpipeline.jobs.InProcessCli;
import io.sentimentpipeline.jobs.SparkTestBase;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The notebooks cannot rot: each is valid nbformat-4 JSON, and every SQL query in it (in a
 * {@code spark.sql("""...""")} call or a {@code %%sql} cell) runs through {@code pipeline sql} against
 * a demo warehouse (demo corpus, ingest, clean, tokenize, then scores, champions, training runs and
 * alerts) and returns rows.
 */
class NotebookQueriesTest extends SparkTestBase {

  private static final Pattern SPARK_SQL = Pattern.compile("spark\\.sql\\(\\s*\"\"\"(.*?)\"\"\"\\s*\\)", Pattern.DOTALL);
  private static final Pattern TABLE_REF = Pattern.compile("(?i)\\b(?:from|join)\\s+([a-z_][a-z0-9_.]*)");
  private static final Set<String> CELL_TYPES = Set.of("markdown", "code", "raw");

  private static List<String> overrides() {
    return List.of(
        "warehouse=" + workDir.resolve("warehouse"), "demo.output=" + workDir.resolve("demo"),
        "alerts.output-dir=" + workDir.resolve("alerts"), "demo.reviews=150", "demo.news-days=60",
        "alerts.min-documents=3", "alerts.min-baseline-days=5", "tokenize.max-length=64");
  }

  @BeforeAll
  static void buildDemoWarehouse() {
    // The nightly run's data stages; scores come from GoldFixture (no model needed to test the queries).
    List<List<String>> commands =
        List.of(List.of("demo-data"), List.of("ingest", "--run-date", "2026-11-28"), List.of("clean", "--run-date", "2026-11-28"),
            List.of("tokenize", "--run-date", "2026-11-28"));
    for (List<String> command : commands) {
      InProcessCli.Outcome outcome = InProcessCli.run(spark, withOverrides(command));
      assertThat(outcome.exitCode()).as(outcome.describe(command)).isZero();
    }
    assertThat(GoldFixture.build(spark, config(overrides().toArray(String[]::new)), LocalDate.of(2026, 11, 1),
            LocalDate.of(2026, 11, 27)).alerts())
        .as("alerts for the drill-down queries").isPositive();
  }

  private static List<String> withOverrides(List<String> command) {
    List<String> args = new ArrayList<>(command);
    overrides().forEach(o -> args.addAll(List.of("--set", o)));
    return args;
  }

  /** The notebook's cells, after checking the nbformat-4 structure. */
  private static JsonNode cells(String notebook) throws Exception {
    JsonNode root = new ObjectMapper().readTree(Python.REPO.resolve("notebooks").resolve(notebook).toFile());
    assertThat(root.path("nbformat").asInt()).as(notebook + " nbformat").isEqualTo(4);
    assertThat(root.path("nbformat_minor").isInt()).as("nbformat_minor").isTrue();
    assertThat(root.path("metadata").isObject()).as("metadata").isTrue();
    JsonNode cells = root.path("cells");
    assertThat(cells.isArray() && cells.size() > 0).as(notebook + " has cells").isTrue();
    for (JsonNode cell : cells) {
      assertThat(CELL_TYPES).as("cell_type").contains(cell.path("cell_type").asText());
      assertThat(cell.path("metadata").isObject()).as("cell metadata").isTrue();
      JsonNode source = cell.path("source");
      assertThat(source.isTextual() || source.isArray()).as("source is a string or a list of strings").isTrue();
      source.forEach(line -> assertThat(line.isTextual()).isTrue());
      if (cell.path("cell_type").asText().equals("code")) {
        assertThat(cell.path("outputs").isArray()).as("code cell outputs").isTrue();
        assertThat(cell.has("execution_count")).as("code cell execution_count").isTrue();
      }
    }
    return cells;
  }

  private static String source(JsonNode cell) {
    if (cell.path("source").isTextual()) {
      return cell.path("source").asText();
    }
    StringBuilder text = new StringBuilder();
    cell.path("source").forEach(line -> text.append(line.asText()));
    return text.toString();
  }

  /** Every SQL query of the notebook's code cells. */
  static List<String> queries(String notebook) throws Exception {
    List<String> queries = new ArrayList<>();
    for (JsonNode cell : cells(notebook)) {
      if (!cell.path("cell_type").asText().equals("code")) {
        continue;
      }
      String code = source(cell);
      if (code.startsWith("%%sql")) {
        queries.add(code.substring("%%sql".length()).trim());
        continue;
      }
      Matcher call = SPARK_SQL.matcher(code);
      while (call.find()) {
        queries.add(call.group(1).trim());
      }
    }
    return queries;
  }

  private static void runsThroughPipelineSql(String notebook, int expectedQueries) throws Exception {
    List<String> queries = queries(notebook);
    assertThat(queries).as(notebook + " queries").hasSize(expectedQueries);
    for (String query : queries) {
      Matcher ref = TABLE_REF.matcher(query);
      while (ref.find()) {
        String name = ref.group(1);
        assertThat(name.contains(".") || query.matches("(?is).*\\b" + name + "\\s+AS\\s*\\(.*"))
            .as("'%s' in %s is a qualified table name or a CTE", name, notebook).isTrue();
      }
      List<String> args = withOverrides(List.of("sql", query, "--limit", "3"));
      InProcessCli.Outcome outcome = InProcessCli.run(spark, args);
      assertThat(outcome.exitCode()).as(outcome.describe(List.of(notebook, query))).isZero();
      assertThat(outcome.out()).as("rows from %s:%n%s", notebook, query).doesNotContain("(0 rows)");
    }
  }

  @Test
  @Tag("slow")
  void everyQueryOfTheAnalystNotebookRunsThroughPipelineSql() throws Exception {
    runsThroughPipelineSql("analyst.ipynb", 4);
  }

  @Test
  @Tag("slow")
  void everyQueryOfTheModelNotebookRunsThroughPipelineSql() throws Exception {
    runsThroughPipelineSql("model.ipynb", 6);
  }

  /** Every code cell is valid Python 3 (cell magics aside), checked with python3's own compiler. */
  @Test
  void everyCodeCellCompiles() throws Exception {
    String script = "import json, sys\n"
        + "for path in sys.argv[1:]:\n"
        + "    for i, cell in enumerate(json.load(open(path, encoding='utf-8'))['cells']):\n"
        + "        source = ''.join(cell['source']) if isinstance(cell['source'], list) else cell['source']\n"
        + "        if cell['cell_type'] == 'code' and not source.startswith('%%'):\n"
        + "            compile(source, '%s cell %d' % (path, i), 'exec')\n";
    Python.Result compiled = Python.run("-c", script, "notebooks/analyst.ipynb", "notebooks/model.ipynb");
    assertThat(compiled.exitCode()).as(compiled.err()).isZero();
  }

  @Test
  void theExtractorTakesTripleQuotedSqlOnly() {
    Matcher call = SPARK_SQL.matcher("x = spark.sql(\"\"\"\nSELECT 1\n\"\"\").toPandas()\nspark.sql(f\"CREATE TABLE {t}\")");
    assertThat(call.find()).isTrue();
    assertThat(call.group(1).trim()).isEqualTo("SELECT 1");
    assertThat(call.find()).as("only triple-quoted literal SQL").isFalse();
  }
}
