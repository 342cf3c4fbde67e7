package io.sentimentpipeline.jobs.cli;

import com.typesafe.config.Config;
import io.sentimentpipeline.jobs.config.ConfigLoader;
import io.sentimentpipeline.jobs.config.ConfigSetting;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Prints the resolved configuration with the origin of each value; starts no Spark session. */
@Command(
    name = "config",
    header = "Print the configuration a run would use, each value with its origin.",
    description = {
      "Print the configuration a run would use: every key = value, sorted, each with where it was set"
          + " (the embedded conf/local.conf and its line, your --conf file and line, or --set).",
      "Passwords, secrets, tokens and the user info of URLs (and a webhook URL's path) are masked. Checks the configuration as a"
          + " run does: an unknown key (a typo) or a bad value exits 64 naming it."
    },
    footerHeading = "%nExample:%n",
    footer = {
      "  ./pipeline config --conf conf/cluster.conf --set alerts.robust-z.threshold=3",
      "    alerts.robust-z.critical = 6  # conf/local.conf (embedded default) line 159",
      "    alerts.robust-z.threshold = \"3\"  # --set",
      "    warehouse = \"s3a://my-bucket/sentiment/warehouse\"  # conf/cluster.conf:34",
      "  ./pipeline config --set alerts.robust-z.treshold=3   # exit 64:",
      "    error: Configuration key 'alerts.robust-z.treshold' (--set) is not a known key;"
          + " did you mean alerts.robust-z.threshold?"
    })
final class ConfigCommand implements Callable<Integer> {

  @Mixin CommonOptions common;
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    for (ConfigSetting setting : ConfigLoader.settings(checked())) {
      out.println(setting.line());
    }
    out.flush();
    return 0;
  }

  /** The loaded configuration, bound once as a run would bind it (so a bad value fails here too). */
  private Config checked() {
    Config config = ConfigLoader.load(common.conf, common.overrides);
    ConfigBinding.bind(config);
    return config;
  }
}
