package io.sentimentpipeline.jobs;

import io.sentimentpipeline.jobs.catalog.Warehouse;
import io.sentimentpipeline.jobs.cli.PipelineCli;
import io.sentimentpipeline.jobs.cli.PipelineConfig;
import io.sentimentpipeline.jobs.cli.SessionFactory;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;

/**
 * The real CLI code path ({@link PipelineCli#commandLine}) run in this JVM on the test's shared
 * session, as {@code ./pipeline} would run it, with its exit code and output captured.
 */
public final class InProcessCli {

  /** How one command ended. */
  public record Outcome(int exitCode, String out, String err) {
    /** For assertion messages. */
    public String describe(List<String> args) {
      return "pipeline " + String.join(" ", args) + " -> exit " + exitCode + "\n" + out + "\n" + err;
    }
  }

  private InProcessCli() {}

  public static Outcome run(SparkSession spark, List<String> args) {
    SessionFactory shared =
        new SessionFactory() {
          @Override
          public SparkSession open(PipelineConfig config) {
            new Warehouse(config.warehouse()).registerAll(spark);
            return spark;
          }

          @Override
          public void release(SparkSession session) {}
        };
    CommandLine cli = PipelineCli.commandLine(new PipelineCli(shared));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute(args.toArray(String[]::new));
    return new Outcome(code, out.toString(), err.toString());
  }
}
