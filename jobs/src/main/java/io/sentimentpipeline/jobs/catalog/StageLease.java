package io.sentimentpipeline.jobs.catalog;

import io.sentimentpipeline.jobs.ErrorCategory;
import io.sentimentpipeline.jobs.PipelineException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * One writer per stage and warehouse: a stage holds {@code <warehouse>/_leases/<stage>.lock} while
 * it runs, so a twin started at the same time (a double-clicked Airflow run, two shells) stops with
 * exit 75 before it reads anything, instead of appending the same rows twice. The lock is the
 * operating system's, held by the process: it is released when the process ends, even by {@code
 * kill -9}, so a crashed run never leaves a stale lease. Only local (and NFS-locking) warehouses
 * can be locked this way; on HDFS and object stores the stages rely on Delta's conflict checks,
 * which the CLI also reports as exit 75.
 */
public final class StageLease implements AutoCloseable {

  private final FileChannel channel;
  private final FileLock lock;

  private StageLease(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /** Takes the stage's lease, or fails with exit 75 naming who holds it. */
  public static StageLease acquire(Warehouse warehouse, String stage) {
    Path dir = warehouse.localRoot();
    if (dir == null) {
      return new StageLease(null, null);
    }
    Path file = dir.resolve("_leases").resolve(stage + ".lock");
    try {
      Files.createDirectories(file.getParent());
      FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ);
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException heldInThisJvm) {
        lock = null;
      }
      if (lock == null) {
        String holder = new String(Files.readAllBytes(file), StandardCharsets.UTF_8).strip();
        channel.close();
        throw new PipelineException(
            ErrorCategory.TEMPORARY,
            "Another `" + stage + "` is writing to the warehouse " + warehouse.root()
                + (holder.isEmpty() ? "" : " (" + holder + ")") + "; nothing was written by this run. It is safe to run"
                + " again once that one has finished.");
      }
      channel.truncate(0);
      channel.write(StandardCharsets.UTF_8.encode(
          "pid " + ProcessHandle.current().pid() + ", since " + Instant.now()), 0);
      return new StageLease(channel, lock);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot take the lease " + file, e);
    }
  }

  @Override
  public void close() {
    if (channel == null) {
      return;
    }
    try {
      lock.release();
      channel.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
