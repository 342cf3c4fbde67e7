package io.sentimentpipeline.jobs.cli;

import io.delta.exceptions.DeltaConcurrentModificationException;
import io.sentimentpipeline.jobs.ErrorCategory;
import io.sentimentpipeline.jobs.PipelineException;
import io.sentimentpipeline.jobs.config.ConfigError;
import org.apache.spark.sql.AnalysisException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;

/**
 * The single entry point of the pipeline, locally ({@code ./pipeline}) and under spark-submit.
 * Exit codes: 0 success, 64 usage or configuration error, 65 bad input data, 70 internal failure, 75
 * another run of the stage holds the warehouse.
 */
@Command(
    name = "pipeline",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Batch sentiment pipeline on Spark: raw reviews and news -> Delta tables.",
    exitCodeOnInvalidInput = 64,
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:success",
      "64:usage or configuration error (fix the command or the conf file)",
      "65:bad input data (fix the files or the source definition)",
      "70:internal failure (see the log; a retry may help)",
      "75:another run of the stage is writing the warehouse (nothing was written; run again)"
    },
    subcommands = {
      HelpCommand.class,
      DemoDataCommand.class,
      IngestCommand.class,
      CleanCommand.class,
      TokenizeCommand.class,
      TrainCommand.class,
      ScoreCommand.class,
      AlertsCommand.class,
      BacktestAlertsCommand.class,
      EvaluateEntitiesCommand.class,
      RunCommand.class,
      StepsCommand.class,
      OptimizeCommand.class,
      SqlCommand.class,
      TablesCommand.class,
      BenchmarkCommand.class,
      ServeCommand.class,
      ConfigCommand.class,
      ModelsCommand.class
    })
public final class PipelineCli {

  private final SessionFactory sessions;

  public PipelineCli(SessionFactory sessions) {
    this.sessions = sessions;
  }

  SessionFactory sessions() {
    return sessions;
  }

  public static void main(String[] args) {
    System.exit(commandLine(new PipelineCli(SessionFactory.perCommand())).execute(args));
  }

  /** The configured picocli command line; tests call {@code execute} on it. */
  public static CommandLine commandLine(PipelineCli cli) {
    CommandLine commandLine = new CommandLine(cli).setCaseInsensitiveEnumValuesAllowed(true);
    commandLine.setExecutionExceptionHandler(
        (exception, cmd, parseResult) -> {
          ErrorCategory category = categoryOf(exception);
          if (category == ErrorCategory.INTERNAL) {
            exception.printStackTrace(cmd.getErr());
          }
          String message = CommandHints.withConf(reported(exception).getMessage(), CommandHints.conf(parseResult));
          cmd.getErr().println(cmd.getColorScheme().errorText("error: " + message));
          return category.exitCode();
        });
    commandLine.setExitCodeExceptionMapper(exception -> categoryOf(exception).exitCode());
    HelpLayout.apply(commandLine);
    configureSubcommands(commandLine, commandLine.getCommandSpec().usageMessage().exitCodeList());
    return commandLine;
  }

  /** Every subcommand, groups' included, exits 64 on bad input and lists the exit codes. */
  private static void configureSubcommands(CommandLine parent, java.util.Map<String, String> exitCodes) {
    for (CommandLine sub : parent.getSubcommands().values()) {
      sub.getCommandSpec().exitCodeOnInvalidInput(ErrorCategory.USAGE_OR_CONFIG.exitCode());
      sub.getCommandSpec().usageMessage().exitCodeListHeading("%nExit codes:%n").exitCodeList(exitCodes);
      configureSubcommands(sub, exitCodes);
    }
  }

  /**
   * The failure to report: the first {@link PipelineException} in the cause chain (Spark wraps one
   * thrown on an executor in a SparkException whose message is the executor's stack trace), else
   * the exception itself.
   */
  static Throwable reported(Throwable exception) {
    for (Throwable t = exception; t != null && t.getCause() != t; t = t.getCause()) {
      if (t instanceof PipelineException) {
        return t;
      }
      if (t instanceof DeltaConcurrentModificationException lost) {
        return new PipelineException(
            ErrorCategory.TEMPORARY,
            "another process committed to the same Delta table at the same time (" + lost.getClass().getSimpleName()
                + "); this run's commit was refused whole, so nothing is half-written. It is safe to run again.",
            lost);
      }
    }
    return exception;
  }

  static ErrorCategory categoryOf(Throwable exception) {
    if (reported(exception) instanceof PipelineException pipeline) {
      return pipeline.category();
    }
    if (exception instanceof ConfigError
        || exception instanceof AnalysisException
        || exception instanceof CommandLine.ParameterException) {
      return ErrorCategory.USAGE_OR_CONFIG;
    }
    return ErrorCategory.INTERNAL;
  }
}
