package io.sentimentpipeline.jobs.cluster;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the pipeline's CLI in a JVM of its own, as a user would, with the test classpath and a
 * Spark home made of nothing but that classpath: what a {@code local-cluster[...]} master or a
 * standalone Worker needs to launch executors as separate JVMs without a Spark distribution.
 */
public final class ForkedPipeline {

  /** How a forked run ended; {@code log} holds its stdout and stderr. */
  public record Outcome(int exitCode, Path log) {
    public String tail() throws IOException {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    }
  }

  private static final String[] FORWARDED_PROPERTIES = {"ai.djl.offline", "OPT_OUT_TRACKING", "DJL_CACHE_DIR", "log4j2.configurationFile"};

  private final Path sparkHome;

  /** Prepares a Spark home under {@code workDir}: empty {@code jars/}, {@code conf/} with the logging config. */
  public ForkedPipeline(Path workDir) throws IOException {
    sparkHome = Files.createDirectories(workDir.resolve("spark-home"));
    Files.createDirectories(sparkHome.resolve("jars"));
    Files.createDirectories(sparkHome.resolve("conf"));
    String logConfig = System.getProperty("log4j2.configurationFile");
    if (logConfig != null) {
      Files.copy(Path.of(logConfig), sparkHome.resolve("conf/log4j2.properties"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** Java options for executor JVMs: DJL offline and its native cache, as on the driver. */
  public static String executorJavaOptions() {
    List<String> options = new ArrayList<>();
    for (String key : FORWARDED_PROPERTIES) {
      String value = System.getProperty(key);
      if (value != null) {
        options.add("-D" + key + "=" + value);
      }
    }
    return String.join(" ", options);
  }

  /** Runs {@code mainClass args} and waits at most {@code timeoutMinutes}. */
  public Outcome run(String mainClass, List<String> args, Path log, int timeoutMinutes) throws IOException, InterruptedException {
    Process process = start(mainClass, args, log, null);
    if (!process.waitFor(timeoutMinutes, TimeUnit.MINUTES)) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly().waitFor();
      throw new AssertionError("forked " + mainClass + " " + args + " did not finish in " + timeoutMinutes + " min; log: " + log);
    }
    return new Outcome(process.exitValue(), log);
  }

  /**
   * Starts {@code mainClass args} and returns at once (for servers the test stops itself), in
   * {@code workingDir} when given, else in this JVM's.
   */
  public Process start(String mainClass, List<String> args, Path log, Path workingDir) throws IOException {
    String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx2g");
    for (String argument : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (argument.startsWith("--add-opens") || argument.startsWith("-XX:TieredStopAtLevel")) {
        command.add(argument);
      }
    }
    command.addAll(List.of(executorJavaOptions().split(" ")));
    command.addAll(List.of("-cp", classpath, mainClass));
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    if (workingDir != null) {
      builder.directory(workingDir.toFile());
    }
    Map<String, String> env = builder.environment();
    env.put("SPARK_HOME", sparkHome.toString());
    env.put("SPARK_SCALA_VERSION", "2.12");
    env.put("SPARK_DIST_CLASSPATH", classpath); // becomes the executors' classpath
    env.put("SPARK_LOCAL_IP", "127.0.0.1");
    env.put("SPARK_CONF_DIR", sparkHome.resolve("conf").toString());
    return builder.start();
  }

  public Path sparkHome() {
    return sparkHome;
  }

  /** A GPU discovery script reporting {@code addresses}: lets Spark schedule GPU tasks on a CPU machine. */
  public Path gpuDiscoveryScript(String... addresses) throws IOException {
    Path script = sparkHome.resolve("gpus.sh");
    String list = String.join(",", List.of(addresses).stream().map(a -> "\"" + a + "\"").toList());
    Files.writeString(script, "#!/bin/sh\necho '{\"name\": \"gpu\", \"addresses\": [" + list + "]}'\n");
    if (!script.toFile().setExecutable(true)) {
      throw new IOException("cannot make " + script + " executable");
    }
    return script;
  }
}
