package io.sentimentpipeline.jobs.cli;

import io.sentimentpipeline.jobs.alerts.AlertsConfig;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/**
 * The nightly sequence, defined once: {@code pipeline run} executes these steps in this order, and
 * {@code pipeline steps --run-date D} prints each one's command line, which the Airflow DAG's tasks
 * must equal (AirflowDagCommandsTest). A step's arguments do not depend on the configuration (the
 * alerts window is read from {@code alerts.recompute-days} when the step runs), so a scheduler can
 * build them from the run date alone.
 */
enum NightlyStep {
  INGEST("ingest"),
  CLEAN("clean"),
  TOKENIZE("tokenize"),
  SCORE("score"),
  /** The trailing {@code alerts.recompute-days} days up to the run date: news arrives late. */
  ALERTS("alerts", AlertsCommand.NIGHTLY_OPTION),
  /** OPTIMIZE / Z-order of the gold tables once they have their night's rows. */
  OPTIMIZE("optimize");

  private final String command;
  private final List<String> extraArgs;

  NightlyStep(String command, String... extraArgs) {
    this.command = command;
    this.extraArgs = List.of(extraArgs);
  }

  /** The subcommand; also the Airflow task id. */
  String command() {
    return command;
  }

  /** The CLI arguments of this step for a run date, without {@code --conf} (the deployment's). */
  List<String> args(LocalDate runDate) {
    List<String> args = new ArrayList<>(List.of(command, "--run-date", runDate.toString()));
    args.addAll(extraArgs);
    return List.copyOf(args);
  }

  /** First day the nightly alerts step (re)computes: late documents change the last few days. */
  static LocalDate alertsFrom(AlertsConfig alerts, LocalDate runDate) {
    return runDate.minusDays(alerts.recomputeDays() - 1L);
  }

  /** The run id the nightly alerts step stores with each alert. */
  static String alertsRunId(LocalDate runDate) {
    return "run-" + runDate;
  }
}
