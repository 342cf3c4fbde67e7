package io.sentimentpipeline.jobs.catalog;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.spark.SparkContext;
import org.apache.spark.executor.TaskMetrics;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerStageCompleted;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

/**
 * Progress of long work, from Spark's own events rather than from per-row code: while a stage runs,
 * a line at most every {@code interval} says what it is (the job description the stage set), tasks
 * done of all, rows read so far and per second, and the time left at that pace. A quiet stage that
 * ends before the first interval prints nothing.
 */
public final class StageProgress extends SparkListener {

  private static final String DESCRIPTION = "spark.job.description";

  /** What is known of one running stage. */
  private static final class Running {
    final String name;
    final int tasks;
    final long startNanos = System.nanoTime();
    volatile int done;
    volatile long rows;

    Running(String name, int tasks) {
      this.name = name;
      this.tasks = tasks;
    }
  }

  private final Map<Integer, Running> running = new ConcurrentHashMap<>();
  private final Duration interval;
  private final Consumer<String> sink;

  StageProgress(Duration interval, Consumer<String> sink) {
    this.interval = interval;
    this.sink = sink;
  }

  /** Registers a listener on {@code context} that reports to {@code sink} every {@code interval}; returns it. */
  public static StageProgress attach(SparkContext context, Duration interval, Consumer<String> sink) {
    StageProgress progress = new StageProgress(interval, sink);
    context.addSparkListener(progress);
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "stage-progress");
      thread.setDaemon(true);
      return thread;
    });
    long millis = interval.toMillis();
    timer.scheduleAtFixedRate(progress::report, millis, millis, TimeUnit.MILLISECONDS);
    return progress;
  }

  @Override
  public void onStageSubmitted(SparkListenerStageSubmitted submitted) {
    String description = submitted.properties() == null ? null : submitted.properties().getProperty(DESCRIPTION);
    String name = description != null ? description : submitted.stageInfo().name();
    running.put(submitted.stageInfo().stageId(), new Running(name, submitted.stageInfo().numTasks()));
  }

  @Override
  public void onTaskEnd(SparkListenerTaskEnd taskEnd) {
    Running stage = running.get(taskEnd.stageId());
    TaskMetrics metrics = taskEnd.taskMetrics();
    if (stage != null && taskEnd.reason() instanceof org.apache.spark.Success$) {
      synchronized (stage) {
        stage.done++;
        if (metrics != null) {
          stage.rows += metrics.inputMetrics().recordsRead() + metrics.shuffleReadMetrics().recordsRead();
        }
      }
    }
  }

  @Override
  public void onStageCompleted(SparkListenerStageCompleted completed) {
    running.remove(completed.stageInfo().stageId());
  }

  /** One line per stage that has run at least one interval. */
  void report() {
    long now = System.nanoTime();
    for (Map.Entry<Integer, Running> entry : running.entrySet()) {
      Running stage = entry.getValue();
      double seconds = (now - stage.startNanos) / 1e9;
      if (seconds * 1000 < interval.toMillis()) {
        continue;
      }
      String eta = stage.done == 0 ? "?" : formatSeconds(seconds / stage.done * (stage.tasks - stage.done));
      sink.accept(String.format(Locale.ROOT, "progress %s (stage %d): %d/%d tasks, %,d rows read (%,.0f rows/s), %s elapsed, ETA %s",
          stage.name, entry.getKey(), stage.done, stage.tasks, stage.rows, stage.rows / seconds, formatSeconds(seconds), eta));
    }
  }

  private static String formatSeconds(double seconds) {
    long s = Math.round(seconds);
    return s < 60 ? s + " s" : s < 3600 ? (s / 60) + " min " + (s % 60) + " s" : (s / 3600) + " h " + (s % 3600 / 60) + " min";
  }
}
