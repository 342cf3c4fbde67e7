package io.sentimentpipeline.jobs.ingest;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * A source file as ingest sees it. A file counts as already ingested when the ledger or a bronze
 * row has the same path, size and modification time, so a rewritten file is read again (clean drops
 * the repeats) while an untouched one never is. {@code path} is the Hadoop path in its decoded
 * spelling, whatever characters the name holds.
 */
public record SourceFile(String path, long size, long modifiedMillis) {

  /** A matched entry ingest does not read, with the reason it gives in the ledger. */
  public record Skipped(SourceFile file, String reason) {}

  /** What a source's glob matched: files to read, and entries skipped with their reasons. */
  public record Listing(List<SourceFile> files, List<Skipped> skipped) {
    public int matched() {
      return files.size() + skipped.size();
    }
  }

  /**
   * Everything a glob (local, HDFS or object store) matches, sorted by path. Directories, names
   * Spark treats as hidden, and symbolic links (unless {@code followSymlinks}) are skipped with a
   * reason, never silently.
   */
  public static Listing list(String glob, String sourceKey, boolean followSymlinks, Configuration hadoop)
      throws IOException {
    Path pattern = new Path(glob);
    FileSystem fs = pattern.getFileSystem(hadoop);
    FileStatus[] matches = fs.globStatus(pattern);
    List<SourceFile> files = new ArrayList<>();
    List<Skipped> skipped = new ArrayList<>();
    for (FileStatus status : matches == null ? new FileStatus[0] : matches) {
      Path qualified = fs.makeQualified(status.getPath());
      SourceFile file = new SourceFile(qualified.toString(), status.getLen(), status.getModificationTime());
      String reason = skipReason(fs, qualified, status, sourceKey, followSymlinks);
      if (reason == null) {
        files.add(file);
      } else {
        skipped.add(new Skipped(file, reason));
      }
    }
    files.sort(Comparator.comparing(SourceFile::path));
    skipped.sort(Comparator.comparing(entry -> entry.file().path()));
    return new Listing(files, skipped);
  }

  private static String skipReason(
      FileSystem fs, Path path, FileStatus status, String sourceKey, boolean followSymlinks) throws IOException {
    String link = symlinkTarget(fs, path, status);
    if (link != null && !followSymlinks) {
      return "symbolic link to " + link + " not followed (set " + sourceKey + ".follow-symlinks = true to read it)";
    }
    if (status.isDirectory()) {
      return "directory: " + sourceKey + ".path must match files, e.g. " + path + "/*";
    }
    if (!status.isFile()) {
      return "not a regular file";
    }
    String name = path.getName();
    if (name.startsWith("_") || name.startsWith(".")) {
      return "hidden name: Spark never reads files whose names start with '_' or '.'; rename it to ingest it";
    }
    return null;
  }

  /** Where a symbolic link points, or null when {@code path} is not one. */
  private static String symlinkTarget(FileSystem fs, Path path, FileStatus status) throws IOException {
    if ("file".equals(path.toUri().getScheme())) {
      java.nio.file.Path local = java.nio.file.Path.of(path.toUri());
      return Files.isSymbolicLink(local) ? Files.readSymbolicLink(local).toString() : null;
    }
    return status.isSymlink() ? status.getSymlink().toString() : null;
  }

  /** The decoded spelling of a path as Spark reports it ({@code _metadata.file_path} is a URI). */
  public static String normalise(String sparkPath) {
    try {
      return new Path(new URI(sparkPath)).toString();
    } catch (java.net.URISyntaxException | IllegalArgumentException notAUri) {
      return new Path(sparkPath).toString();
    }
  }
}
