package io.sentimentpipeline.jobs.cli;

import io.sentimentpipeline.jobs.bench.CorpusBenchmark;
import io.sentimentpipeline.jobs.bench.ModelBenchmark;
import io.sentimentpipeline.udfs.score.ScoringOptions;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "benchmark",
    header = "Time the model on fixed shapes or a real corpus; with --peer, beside the Python peer.",
    description = {
      "Time the model code on fixed-shape random inputs (no Spark) and, with --peer, run",
      "shared/peers/bert_peer.py with the same mode, model, batch, sequence length and threads right",
      "after (plain, then with --alloc thp), in the same command, and print the lines and their ratios.",
      "--engine onnxruntime times inference on the ONNX graph a bundle exports (--precision int8 or",
      "fp32) instead of DJL PyTorch.",
      "--corpus FILE (inference only) scores one text column of a CSV (with header) or JSON-lines file",
      "at its real lengths, truncated to --seq ids, through the code `score` runs (length grouping,",
      "the engine choice); tokenizing is not timed. The peer then runs fixed shapes of --batch x --seq,",
      "which is what it can do: every sequence padded to the max length.",
      "Example: pipeline benchmark --mode infer --batch 32 --seq 128 --threads 2 --peer ../shared/peers/bert_peer.py",
      "Example: pipeline benchmark --mode infer --engine onnxruntime --precision int8 --batch 32 --seq 128 --threads 2",
      "Example: pipeline benchmark --mode infer --engine onnxruntime --corpus ../shared/datasets/imdb/test.csv --seq 256"
    })
final class BenchmarkCommand implements Callable<Integer> {

  private static final Pattern RATE = Pattern.compile("(?:docs|samples)_per_s=([0-9.]+)");

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
  boolean help;

  @Option(names = "--mode", required = true, description = "infer or train.")
  ModelBenchmark.Mode mode;

  @Option(names = "--encoder", defaultValue = "all-minilm-l6-v2", description = "Bundled encoder name (default: ${DEFAULT-VALUE}).")
  String encoder;

  @Option(names = "--batch", defaultValue = "32", description = "Sequences per batch (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--seq", defaultValue = "128", description = "Sequence length; with --corpus, the max length texts are truncated to (default: ${DEFAULT-VALUE}).")
  int seq;

  @Option(names = "--threads", defaultValue = "2", description = "PyTorch intra-op threads, both sides (default: ${DEFAULT-VALUE}).")
  int threads;

  @Option(names = "--seconds", defaultValue = "20", description = "Timed seconds (default: ${DEFAULT-VALUE}).")
  double seconds;

  @Option(names = "--windows", defaultValue = "5", description = "Timed windows; the median is reported (default: ${DEFAULT-VALUE}).")
  int windows;

  @Option(names = "--engine", defaultValue = "pytorch", description = "pytorch or onnxruntime (inference only) (default: ${DEFAULT-VALUE}).")
  String engine;

  @Option(names = "--precision", defaultValue = "int8", description = "With --engine onnxruntime: int8 or fp32 (default: ${DEFAULT-VALUE}). int8 runs without score.int8-recheck-margin: the random head makes every sequence a near-tie.")
  String precision;

  @Option(names = "--corpus", description = "Score this CSV (with header) or JSON-lines file's texts at their real lengths instead of random ids.")
  Path corpus;

  @Option(names = "--text-column", defaultValue = "text", description = "With --corpus: the column holding the texts (default: ${DEFAULT-VALUE}).")
  String textColumn;

  @Option(names = "--limit", defaultValue = "0", description = "With --corpus: score only the first N texts (default: ${DEFAULT-VALUE} = all).")
  int limit;

  @Option(names = "--peer", description = "Path of bert_peer.py to run after ours (with /usr/bin/python3).")
  Path peer;

  @Override
  public Integer call() throws Exception {
    // Must be set before the PyTorch engine loads in this JVM.
    System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
    System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
    ScoringOptions.Engine engineChoice = choice("--engine", engine, ScoringOptions.Engine.class);
    ScoringOptions.Precision precisionChoice = choice("--precision", precision, ScoringOptions.Precision.class);
    if (corpus != null && mode != ModelBenchmark.Mode.INFER) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--corpus times scoring: use it with --mode infer");
    }
    var out = spec.commandLine().getOut();
    double ours;
    if (corpus != null) {
      CorpusBenchmark.Result result =
          CorpusBenchmark.run(corpus, textColumn, limit, encoder, seq, batch, threads, windows, engineChoice, precisionChoice);
      out.println(result);
      ours = result.perSecond();
    } else {
      ModelBenchmark.Result result =
          ModelBenchmark.run(mode, encoder, batch, seq, threads, seconds, windows, engineChoice, precisionChoice);
      out.println(result);
      ours = result.perSecond();
    }
    if (peer != null) {
      if (!Files.isRegularFile(peer)) {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--peer " + peer + " is not a file");
      }
      // The peer plainly, then with transparent huge pages for glibc's malloc (its fastest setting here).
      for (String alloc : List.of("glibc", "thp")) {
        String peerLine = runPeer(alloc);
        out.println(peerLine);
        Matcher rate = RATE.matcher(peerLine);
        if (rate.find()) {
          out.printf(Locale.ROOT, "ratio pipeline/peer(alloc=%s)=%.2f%n", alloc, ours / Double.parseDouble(rate.group(1)));
        }
      }
    }
    out.flush();
    return 0;
  }

  private <E extends Enum<E>> E choice(String option, String value, Class<E> type) {
    for (E e : type.getEnumConstants()) {
      if (e.name().equalsIgnoreCase(value)) {
        return e;
      }
    }
    throw new picocli.CommandLine.ParameterException(
        spec.commandLine(), option + " must be one of "
            + Arrays.stream(type.getEnumConstants()).map(e -> e.name().toLowerCase(Locale.ROOT)).toList() + ", got '" + value + "'");
  }

  private String runPeer(String alloc) throws Exception {
    String model = encoder.startsWith("bge") ? "bge" : "minilm";
    List<String> command =
        List.of("/usr/bin/python3", peer.toString(), "--mode", mode.name().toLowerCase(Locale.ROOT), "--model", model,
            "--batch", Integer.toString(batch), "--seq", Integer.toString(seq), "--threads", Integer.toString(threads),
            "--seconds", Double.toString(seconds), "--windows", Integer.toString(windows), "--alloc", alloc,
            "--clip", "1.0"); // ours clips the global gradient norm at 1 (train.max-grad-norm); the peer's default is off
    Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String result = "peer printed no result line";
    try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = lines.readLine()) != null; ) {
        if (line.startsWith("peer-")) {
          result = line;
        }
      }
    }
    int exit = process.waitFor();
    return exit == 0 ? result : "peer failed with exit " + exit + ": " + result;
  }
}
