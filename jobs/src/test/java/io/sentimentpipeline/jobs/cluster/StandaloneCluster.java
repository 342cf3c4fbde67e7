package io.sentimentpipeline.jobs.cluster;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A Spark standalone cluster made of jars only: a {@code Master} and a {@code Worker} on 127.0.0.1,
 * each its own JVM, whose executors are JVMs of their own too, plus a {@code spark-submit} that is
 * {@code SparkSubmit} on the same classpath. The "Spark distribution" is the test classpath without
 * this project's classes, so the application reaches the executors only as jars shipped by the
 * driver: what catches closures that do not serialize, classes missing from the jar, and caches
 * or flags that only work inside one JVM. {@link #close} stops every process it started.
 */
public final class StandaloneCluster implements AutoCloseable {

  private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

  private final Path workDir;
  private final Path sparkHome;
  private final String distClasspath;
  private final List<Process> daemons = new ArrayList<>();
  private final int masterPort;
  private final int masterUiPort;

  private StandaloneCluster(Path workDir, List<Path> applicationEntries) throws IOException {
    this.workDir = workDir;
    this.sparkHome = new ForkedPipeline(workDir).sparkHome();
    String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    this.distClasspath =
        Stream.of(classpath.split(File.pathSeparator))
            .filter(entry -> !entry.isBlank())
            .filter(entry -> applicationEntries.stream().noneMatch(app -> Path.of(entry).toAbsolutePath().equals(app)))
            .filter(entry -> !entry.endsWith("test-classes"))
            .collect(Collectors.joining(File.pathSeparator));
    this.masterPort = freePort();
    this.masterUiPort = freePort();
    writeSparkSubmit();
  }

  /**
   * Starts a master and one worker with {@code cores} cores and {@code memory} (e.g. "4g") for
   * executors; returns once the worker has registered. {@code applicationEntries} are the
   * classpath entries (jars or class folders) that must reach the cluster only through spark-submit.
   */
  public static StandaloneCluster start(Path workDir, List<Path> applicationEntries, int cores, String memory)
      throws IOException, InterruptedException {
    StandaloneCluster cluster = new StandaloneCluster(workDir, applicationEntries);
    try {
      cluster.daemon("master", "org.apache.spark.deploy.master.Master",
          "--host", "127.0.0.1", "--port", Integer.toString(cluster.masterPort),
          "--webui-port", Integer.toString(cluster.masterUiPort));
      cluster.daemon("worker", "org.apache.spark.deploy.worker.Worker",
          "--host", "127.0.0.1", "--cores", Integer.toString(cores), "--memory", memory,
          "--webui-port", Integer.toString(freePort()),
          "--work-dir", Files.createDirectories(workDir.resolve("worker")).toString(),
          cluster.masterUrl());
      cluster.awaitAliveWorkers(1);
      return cluster;
    } catch (IOException | InterruptedException | RuntimeException | Error e) {
      cluster.close();
      throw e;
    }
  }

  public String masterUrl() {
    return "spark://127.0.0.1:" + masterPort;
  }

  /** The {@code spark-submit} of this cluster's "distribution", for {@code SPARK_SUBMIT}. */
  public Path sparkSubmit() {
    return sparkHome.resolve("bin/spark-submit");
  }

  /** Environment a Spark distribution's scripts would set up: Spark home, its classpath, loopback. */
  public Map<String, String> environment() {
    return Map.of(
        "SPARK_HOME", sparkHome.toString(),
        "SPARK_CONF_DIR", sparkHome.resolve("conf").toString(),
        "SPARK_SCALA_VERSION", "2.12",
        "SPARK_DIST_CLASSPATH", distClasspath, // also the executors' classpath
        "SPARK_LOCAL_IP", "127.0.0.1");
  }

  /** Executor folders the worker created: one per executor JVM it launched. */
  public List<Path> executorDirs() throws IOException {
    try (Stream<Path> apps = Files.list(workDir.resolve("worker"))) {
      List<Path> dirs = new ArrayList<>();
      for (Path app : apps.filter(Files::isDirectory).toList()) {
        try (Stream<Path> executors = Files.list(app)) {
          executors.filter(Files::isDirectory).forEach(dirs::add);
        }
      }
      return dirs;
    }
  }

  /** The end of every executor's stderr, for failure messages. */
  public String executorLogTails() throws IOException {
    StringBuilder out = new StringBuilder();
    for (Path dir : executorDirs()) {
      Path stderr = dir.resolve("stderr");
      if (Files.exists(stderr)) {
        List<String> lines = Files.readAllLines(stderr);
        out.append("--- ").append(stderr).append('\n')
            .append(String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()))).append('\n');
      }
    }
    return out.toString();
  }

  /** Writes {@code entry} (a class folder, or a jar that is copied) as {@code jar}: what Maven's package would. */
  public static Path jar(Path entry, Path jar) throws IOException {
    Files.createDirectories(jar.getParent());
    if (Files.isRegularFile(entry)) {
      return Files.copy(entry, jar);
    }
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
      Files.walkFileTree(entry, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
          out.putNextEntry(new JarEntry(entry.relativize(file).toString().replace(File.separatorChar, '/')));
          Files.copy(file, out);
          out.closeEntry();
          return FileVisitResult.CONTINUE;
        }
      });
    }
    return jar;
  }

  /** Where a class was loaded from: a jar or a class folder. */
  public static Path locationOf(Class<?> type) {
    try {
      return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toAbsolutePath();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Stops the worker (and its executors) and the master: each process tree, children first. */
  @Override
  public void close() {
    for (int i = daemons.size() - 1; i >= 0; i--) {
      destroyTree(daemons.get(i).toHandle());
    }
    daemons.clear();
  }

  /** Ends {@code process} and everything it started; forcibly after 15 s. */
  public static void destroyTree(ProcessHandle process) {
    List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
    tree.add(process);
    tree.forEach(ProcessHandle::destroy);
    for (ProcessHandle handle : tree) {
      try {
        handle.onExit().get(15, TimeUnit.SECONDS);
      } catch (Exception stillAlive) {
        handle.destroyForcibly();
      }
    }
  }

  private void daemon(String name, String mainClass, String... args) throws IOException {
    List<String> command = new ArrayList<>(javaCommand("-Xmx512m"));
    command.addAll(List.of("-cp", distClasspath, mainClass));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(workDir.resolve(name + ".log").toFile());
    builder.environment().putAll(environment());
    daemons.add(builder.start());
  }

  /** {@code java} with Spark's Java 17 opens and the logging config, on the distribution classpath. */
  private List<String> javaCommand(String heap) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add(heap);
    for (String argument : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (argument.startsWith("--add-opens") || argument.startsWith("-XX:TieredStopAtLevel")
          || argument.equals("-Djdk.reflect.useDirectMethodHandle=false") || argument.equals("-XX:+IgnoreUnrecognizedVMOptions")) {
        command.add(argument);
      }
    }
    command.add("-Dlog4j2.configurationFile=" + sparkHome.resolve("conf/log4j2.properties"));
    return command;
  }

  /**
   * Stands in for a distribution's {@code bin/spark-submit}: a client-mode driver JVM running
   * {@code SparkSubmit}. The real script also adds {@code --driver-java-options}; this one does
   * not, so the driver gets only what the environment gives it (as {@code bin/submit} arranges).
   */
  private void writeSparkSubmit() throws IOException {
    String java = javaCommand("-Xmx2g").stream().map(a -> "'" + a + "'").collect(Collectors.joining(" "));
    String script = "#!/bin/sh\nexec " + java + " -cp \"$SPARK_DIST_CLASSPATH\" org.apache.spark.deploy.SparkSubmit \"$@\"\n";
    Path path = Files.createDirectories(sparkHome.resolve("bin")).resolve("spark-submit");
    Files.writeString(path, script);
    if (!path.toFile().setExecutable(true)) {
      throw new IOException("cannot make " + path + " executable");
    }
  }

  private void awaitAliveWorkers(int expected) throws IOException, InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    URI state = URI.create("http://127.0.0.1:" + masterUiPort + "/json/");
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    String last = "no answer";
    while (System.nanoTime() < deadline) {
      for (Process daemon : daemons) {
        if (!daemon.isAlive()) {
          throw new IllegalStateException("a cluster daemon exited with " + daemon.exitValue() + "; see " + workDir + "/*.log");
        }
      }
      try {
        last = http.send(HttpRequest.newBuilder(state).timeout(Duration.ofSeconds(5)).build(),
            HttpResponse.BodyHandlers.ofString()).body();
        if (last.replace(" ", "").contains("\"aliveworkers\":" + expected)) {
          return;
        }
      } catch (IOException notUpYet) {
        last = notUpYet.toString();
      }
      Thread.sleep(500);
    }
    throw new IllegalStateException("no worker registered with " + masterUrl() + " in " + START_TIMEOUT + ": " + last);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

}
