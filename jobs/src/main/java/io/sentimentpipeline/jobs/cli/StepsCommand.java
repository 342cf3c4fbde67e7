package io.sentimentpipeline.jobs.cli;

import java.time.LocalDate;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "steps",
    header = "Print the steps `run` executes for a run date (the Airflow DAG's tasks).",
    description = {
      "Print the nightly sequence that `run` executes for a run date, one step per line: the",
      "pipeline arguments separated by tabs (add --conf FILE to each). Schedulers run these as",
      "separate tasks; the Airflow DAG's test fails if its tasks differ. Reads no configuration.",
      "Example: pipeline steps --run-date 2026-11-20"
    })
final class StepsCommand implements Callable<Integer> {

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
  boolean help;

  @Option(names = "--run-date", required = true, paramLabel = "YYYY-MM-DD", description = "The nightly batch to print.")
  LocalDate runDate;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    for (NightlyStep step : NightlyStep.values()) {
      spec.commandLine().getOut().println(String.join("\t", step.args(runDate)));
    }
    spec.commandLine().getOut().flush();
    return 0;
  }
}
