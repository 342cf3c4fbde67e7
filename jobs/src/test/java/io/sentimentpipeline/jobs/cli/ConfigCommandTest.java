package io.sentimentpipeline.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sentimentpipeline.jobs.InProcessCli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code pipeline config} and the refusal of unknown keys through the real CLI. No Spark session:
 * the configuration is checked before any command would open one.
 */
class ConfigCommandTest {

  private static InProcessCli.Outcome pipeline(String... args) {
    return InProcessCli.run(null, List.of(args));
  }

  @Test
  void aTypoInASetExits64WithTheNearestKey() {
    for (String command : List.of("config", "ingest", "run")) {
      InProcessCli.Outcome typo = pipeline(command, "--set", "alerts.robust-z.treshold=3");
      assertThat(typo.exitCode()).as(typo.describe(List.of(command))).isEqualTo(64);
      assertThat(typo.err())
          .as(command)
          .contains("'alerts.robust-z.treshold' (--set) is not a known key; did you mean alerts.robust-z.threshold?");
    }
  }

  @Test
  void aTypoInAConfFileExits64NamingTheFileAndLine(@TempDir Path dir) throws Exception {
    Path conf = dir.resolve("nightly.conf");
    Files.writeString(conf, "include classpath(\"conf/local.conf\")\nwarehouse = \"/data/wh\"\nalerts.robust-z.treshold = 3\n");
    InProcessCli.Outcome typo = pipeline("ingest", "--conf", conf.toString());
    assertThat(typo.exitCode()).as(typo.err()).isEqualTo(64);
    assertThat(typo.err()).contains("'alerts.robust-z.treshold' (" + conf + ":3)", "did you mean alerts.robust-z.threshold?");
  }

  @Test
  void anInt8RecheckMarginOutsideZeroToOneExits64NamingTheKey() {
    InProcessCli.Outcome bad = pipeline("config", "--set", "score.int8-recheck-margin=1.5");
    assertThat(bad.exitCode()).as(bad.err()).isEqualTo(64);
    assertThat(bad.err()).contains("score.int8-recheck-margin", "must be in [0, 1), got 1.5");
  }

  @Test
  void configPrintsEachValueWithItsOrigin(@TempDir Path dir) throws Exception {
    Path conf = dir.resolve("nightly.conf");
    Files.writeString(conf, "include classpath(\"conf/local.conf\")\nwarehouse = \"/data/wh\"\n");
    InProcessCli.Outcome config =
        pipeline("config", "--conf", conf.toString(), "--set", "alerts.robust-z.threshold=3",
            "--set", "spark.conf.\"spark.sql.shuffle.partitions\"=8", "--set", "alerts.webhook.url=https://bot:pw@hooks.example.com/x");
    assertThat(config.exitCode()).as(config.err()).isZero();
    List<String> lines = config.out().lines().toList();
    assertThat(lines)
        .contains(
            "warehouse = \"/data/wh\"  # " + conf + ":2",
            "alerts.robust-z.threshold = \"3\"  # --set",
            "spark.conf.\"spark.sql.shuffle.partitions\" = \"8\"  # --set",
            "alerts.webhook.url = \"https://****@hooks.example.com/****\"  # --set")
        .anyMatch(l -> l.matches("alerts\\.robust-z\\.critical = 6(\\.0)?  # conf/local\\.conf \\(embedded default\\) line \\d+"))
        .noneMatch(l -> l.contains("pw@"))
        .isSorted();
  }

  @Test
  void configHelpShowsAnExample() {
    InProcessCli.Outcome help = pipeline("config", "--help");
    assertThat(help.exitCode()).isZero();
    assertThat(help.out()).contains("--conf", "--set", "Example", "./pipeline config --conf", "did you mean", "Exit codes");
  }
}
