package io.sentimentpipeline.jobs.cli;

import io.sentimentpipeline.jobs.alerts.AlertsConfig;
import io.sentimentpipeline.jobs.alerts.AlertsJob;
import io.sentimentpipeline.jobs.catalog.Warehouse;
import io.sentimentpipeline.jobs.config.Domain;
import java.time.LocalDate;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

@Command(
    name = "alerts",
    header = "Daily sentiment per entity, and the alerts its rules raise.",
    description = {
      "Aggregate gold.sentiment_scores per entity (news ticker; for reviews, the source) and day into",
      "gold.entity_daily_sentiment and write what the rules fire to gold.sentiment_alerts:",
      "  robust_z  the day's negative share far above its trailing median (alerts.robust-z.*)",
      "  ewma      the mean score's EWMA falling below its trailing median (alerts.ewma.*)",
      "  negative_surge   distinct negative stories far above a zero-filled baseline (alerts.negative-surge.*)",
      "  volume_negative  a document-count surge on a day scoring below its median (alerts.volume-negative.*)",
      "  cusum     a slow slide of the mean score, one-sided CUSUM (alerts.cusum.*)",
      "All need alerts.min-documents documents that day and alerts.min-baseline-days days of history",
      "(days with documents; for the two volume rules, calendar days since the entity was first seen).",
      "Uses the scores of the domain's champion model unless alerts.model-version is set.",
      "Day: --run-date D processes day D. Nightly: --run-date D --nightly (re)computes the",
      "alerts.recompute-days days up to D, for late documents (what `run` does; run id run-D).",
      "Backtest: --from A --to B replaces days A..B in one run.",
      "Reruns replace the same days: no duplicates. The range's alerts also go to",
      "<alerts.output-dir>/alerts-<to>.jsonl and, if alerts.webhook.url is set, to the webhook",
      "(a webhook failure is reported, not fatal).",
      "Example: pipeline alerts --from 2026-01-01 --to 2026-11-27 --set alerts.min-documents=10"
    })
final class AlertsCommand extends SparkCommand {

  static final String NIGHTLY_OPTION = "--nightly";

  @Option(
      names = NIGHTLY_OPTION,
      description = "The days alerts.recompute-days back up to --run-date, as `run` computes them (not with --from/--to).")
  boolean nightly;

  @Option(names = "--from", paramLabel = "YYYY-MM-DD", description = "First day to (re)compute (default: --to).")
  LocalDate from;

  @Option(names = "--to", paramLabel = "YYYY-MM-DD", description = "Last day to (re)compute (default: --run-date).")
  LocalDate to;

  @Option(names = "--domain", description = "review or news (default: {{alerts.domain}}, from alerts.domain).")
  String domain;

  @Option(
      names = "--run-id",
      description = "Stored with each alert, e.g. the scheduler's run id (default: alerts-<from>_<to>).")
  String runId;

  @Override
  PipelineConfig config() {
    if (nightly && (from != null || to != null)) {
      throw new ParameterException(
          spec.commandLine(), NIGHTLY_OPTION + " sets the days from alerts.recompute-days and --run-date; drop --from/--to or " + NIGHTLY_OPTION);
    }
    return super.config();
  }

  @Override
  void execute(SparkSession spark, PipelineConfig config, LocalDate runDate) {
    LocalDate last = to != null ? to : runDate;
    LocalDate first = nightly ? NightlyStep.alertsFrom(config.alerts(), runDate) : from != null ? from : last;
    String defaultId = nightly ? NightlyStep.alertsRunId(runDate) : "alerts-" + first + "_" + last;
    String id = runId != null ? runId : defaultId;
    AlertsConfig alerts = domain == null ? config.alerts() : config.alerts().withDomain(Domain.parse(domain, "--domain"));
    out().println("alerts " + AlertsJob.run(spark, new Warehouse(config.warehouse()), alerts, first, last, id));
  }
}
