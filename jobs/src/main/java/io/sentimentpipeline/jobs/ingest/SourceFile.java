package io.sentimentpipeline.jobs.ingest;

import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * A source file as ingest sees it. A file counts as already ingested when a bronze row has the same
 * path, size and modification time, so a rewritten file is read again (clean drops the repeats)
 * while an untouched one never is.
 */
public record SourceFile(String path, long size, long modifiedMillis) {

  /** Files matching a glob (local, HDFS or object store), sorted by path. */
  public static List<SourceFile> list(String glob, Configuration hadoop) throws IOException {
    Path pattern = new Path(glob);
    FileSystem fs = pattern.getFileSystem(hadoop);
    FileStatus[] matches = fs.globStatus(pattern);
    List<SourceFile> files = new ArrayList<>();
    if (matches != null) {
      for (FileStatus status : matches) {
        if (status.isFile()) {
          files.add(
              new SourceFile(
                  normalise(fs.makeQualified(status.getPath()).toString()),
                  status.getLen(),
                  status.getModificationTime()));
        }
      }
    }
    files.sort((a, b) -> a.path().compareTo(b.path()));
    return files;
  }

  /** One spelling per file: Spark writes {@code file:///x}, Hadoop listings {@code file:/x}. */
  public static String normalise(String path) {
    return new Path(URI.create(path.replace(" ", "%20"))).toString();
  }
}
