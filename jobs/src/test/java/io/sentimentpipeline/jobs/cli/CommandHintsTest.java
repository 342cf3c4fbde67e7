package io.sentimentpipeline.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sentimentpipeline.jobs.InProcessCli;
import io.sentimentpipeline.jobs.SparkTestBase;
import io.sentimentpipeline.jobs.config.ConfigLoader;
import io.sentimentpipeline.jobs.config.Domain;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class CommandHintsTest extends SparkTestBase {

  @Test
  void suggestedCommandsCarryTheUsersConf() {
    Path conf = Path.of("/etc/sentiment/nightly.conf");
    assertThat(CommandHints.withConf("run `./pipeline train --domain news` and `pipeline score`; `./pipeline x --conf a.conf`", conf))
        .isEqualTo("run `./pipeline train --domain news --conf /etc/sentiment/nightly.conf` and"
            + " `./pipeline score --conf /etc/sentiment/nightly.conf`; `./pipeline x --conf a.conf`");
    assertThat(CommandHints.withConf("run `./pipeline run` first", null)).isEqualTo("run `./pipeline run` first");
  }

  @Test
  void aNewsOnlyConfigurationScoresNewsOnlyAndItsHintsUseItsConf() throws Exception {
    Path conf = workDir.resolve("news-only.conf");
    Files.writeString(conf, """
        include classpath("conf/local.conf")
        warehouse = "%s/news-only-warehouse"
        sources = [{ name = wire, domain = news, format = jsonl, path = "/nowhere/*.jsonl",
          schema = "id STRING, body STRING, ts STRING", columns { id = id, text = body, timestamp = ts } }]
        """.formatted(workDir));
    assertThat(PipelineConfig.load(conf, List.of()).score().domains()).containsExactly(Domain.NEWS);

    InProcessCli.Outcome score = InProcessCli.run(spark, List.of("score", "--conf", conf.toString()));
    assertThat(score.exitCode()).as(score.err()).isEqualTo(65);
    assertThat(score.err()).contains("`./pipeline run --conf " + conf + "`");
  }
}
