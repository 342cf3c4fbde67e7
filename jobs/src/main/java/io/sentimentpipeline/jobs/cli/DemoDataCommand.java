package io.sentimentpipeline.jobs.cli;

import io.sentimentpipeline.jobs.demo.DemoCorpus;
import io.sentimentpipeline.jobs.demo.DemoCorpusSummary;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(
    name = "demo-data",
    header = "Write the synthetic demo corpus (seeded, deterministic) to demo.output.",
    footerHeading = "%nExample:%n",
    footer = {"  ./pipeline demo-data --set demo.reviews=5000"},
    description = {
      "Write the synthetic demo corpus (seeded, deterministic) to demo.output.",
      "Labelled reviews as CSV, dated financial news as JSONL with one injected negative surge,",
      "and realistic bad rows in both. The corpus is synthetic: no real reviews or news."
    })
final class DemoDataCommand implements Callable<Integer> {

  @Mixin CommonOptions common;
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PipelineConfig config = PipelineConfig.load(common.conf, common.overrides);
    DemoCorpusSummary summary = write(config);
    spec.commandLine().getOut().printf(
        "Demo corpus in %s: %d review rows, %d news rows (bad rows injected: %s)%n",
        config.demo().output(), summary.reviewRows(), summary.newsRows(), summary.injectedBadRows());
    return 0;
  }

  static DemoCorpusSummary write(PipelineConfig config) {
    Map<String, java.util.List<String>> names = new LinkedHashMap<>();
    config.entities().companies().forEach(company -> names.put(company.ticker(), company.names()));
    return DemoCorpus.write(config.demo(), names);
  }
}
