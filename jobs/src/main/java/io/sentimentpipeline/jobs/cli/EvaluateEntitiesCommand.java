package io.sentimentpipeline.jobs.cli;

import io.sentimentpipeline.jobs.catalog.Warehouse;
import io.sentimentpipeline.jobs.config.Domain;
import io.sentimentpipeline.jobs.eval.EntityEvaluation;
import java.time.LocalDate;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code pipeline evaluate-entities}: entity-level accuracy and macro-F1 of three methods on held-out headlines. */
@Command(
    name = "evaluate-entities",
    header = "Entity-level accuracy and macro-F1: entity model, document model per entity, TF-IDF.",
    description = {
      "On the test split of silver.entity_labels (by headline: the doc_id hash of train.split), compare",
      "  (a) the entity champion (text + entity), (b) the document champion's label given to every entity,",
      "  (c) the TF-IDF baseline on text + entity words. Needs both champions and `score` run. Writes nothing.",
      "Example: pipeline evaluate-entities --conf conf/benchmarks/sentfin.conf --domain news"
    })
final class EvaluateEntitiesCommand extends SparkCommand {

  @Option(names = "--domain", defaultValue = "news", description = "review or news (default: news).")
  String domain;

  @Override
  void execute(SparkSession spark, PipelineConfig config, LocalDate runDate) {
    EntityEvaluation.Result result =
        EntityEvaluation.run(spark, new Warehouse(config.warehouse()), config.train().split(), Domain.parse(domain, "--domain"));
    out().printf("evaluate-entities domain=%s test_pairs=%d%n", result.domain(), result.testPairs());
    result.methods().forEach(m -> out().println(m.line()));
  }
}
