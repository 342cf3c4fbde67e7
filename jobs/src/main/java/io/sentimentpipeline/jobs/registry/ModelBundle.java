package io.sentimentpipeline.jobs.registry;

import io.sentimentpipeline.jobs.ErrorCategory;
import io.sentimentpipeline.jobs.PipelineException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;

/**
 * A model version's folder, {@code <warehouse>/models/<name>/<version>/}: weights, model and
 * training configuration, tokenizer, label map, calibration, metrics and report, plus {@code
 * checksums.sha256}. The per-file digests are also recorded in {@code ml.models}, and a scorer
 * checks the bytes it reads against those, so a changed file cannot pass with a regenerated
 * checksums file. Written through Hadoop's file system (local, HDFS or object store); a version
 * folder that already exists is never overwritten.
 */
public final class ModelBundle {

  public static final String CHECKSUMS = "checksums.sha256";

  private ModelBundle() {}

  /**
   * Writes the files and their checksums; returns each file's SHA-256, which the registry records
   * (with {@link #checksum}, the bundle's id) so a scorer can verify the bundle against it.
   */
  public static SortedMap<String, String> write(String location, Map<String, byte[]> files, Configuration hadoop)
      throws IOException {
    Path dir = new Path(location);
    FileSystem fs = fileSystem(dir, hadoop);
    if (fs.exists(dir)) {
      throw new IOException("model bundle " + location + " already exists; versions are never overwritten");
    }
    SortedMap<String, String> digests = new TreeMap<>();
    for (Map.Entry<String, byte[]> file : new TreeMap<>(files).entrySet()) {
      try (OutputStream out = fs.create(new Path(dir, file.getKey()), false)) {
        out.write(file.getValue());
      }
      digests.put(file.getKey(), sha256(file.getValue()));
    }
    try (OutputStream out = fs.create(new Path(dir, CHECKSUMS), false)) {
      out.write(listing(digests));
    }
    return digests;
  }

  /**
   * Adds files to an existing bundle (e.g. its ONNX export) and rewrites its checksums file over
   * {@code registered} plus them; returns the new per-file digests. A file the registry already
   * records is never replaced; one it does not (left by an interrupted earlier add) may be.
   */
  public static SortedMap<String, String> add(
      String location, Map<String, String> registered, Map<String, byte[]> added, Configuration hadoop) throws IOException {
    Path dir = new Path(location);
    FileSystem fs = fileSystem(dir, hadoop);
    SortedMap<String, String> digests = new TreeMap<>(registered);
    for (Map.Entry<String, byte[]> file : new TreeMap<>(added).entrySet()) {
      if (registered.containsKey(file.getKey()) || file.getKey().equals(CHECKSUMS)) {
        throw new IOException("model bundle " + location + " already has " + file.getKey() + "; registered files are never replaced");
      }
      try (OutputStream out = fs.create(new Path(dir, file.getKey()), true)) {
        out.write(file.getValue());
      }
      digests.put(file.getKey(), sha256(file.getValue()));
    }
    try (OutputStream out = fs.create(new Path(dir, CHECKSUMS), true)) {
      out.write(listing(digests));
    }
    return digests;
  }

  /** The bundle's id: the SHA-256 of its checksums file, i.e. over the per-file digests. */
  public static String checksum(Map<String, String> digests) {
    return sha256(listing(digests));
  }

  /** Reads every file listed in the bundle's own checksums and fails naming the first that does not match. */
  public static Map<String, byte[]> readVerified(String location, Configuration hadoop) throws IOException {
    Path dir = new Path(location);
    FileSystem fs = fileSystem(dir, hadoop);
    Map<String, byte[]> files = new TreeMap<>();
    for (Map.Entry<String, String> listed : parse(read(fs, new Path(dir, CHECKSUMS))).entrySet()) {
      byte[] content = read(fs, new Path(dir, listed.getKey()));
      if (!sha256(content).equals(listed.getValue())) {
        throw new IOException("model bundle " + location + ": " + listed.getKey() + " does not match its checksum");
      }
      files.put(listed.getKey(), content);
    }
    return files;
  }

  /**
   * Reads the champion's files and checks the bytes read against the digests {@code ml.models}
   * recorded at registration (not against the bundle's own checksums file, which anyone who changes
   * a file can regenerate). Fails with {@link ErrorCategory#BAD_INPUT} naming the file.
   */
  public static Map<String, byte[]> readVerified(ModelRegistry.Champion champion, Configuration hadoop) {
    Path dir = new Path(champion.bundlePath());
    try {
      FileSystem fs = fileSystem(dir, hadoop);
      Map<String, String> expected = expectedDigests(champion, fs, dir);
      Map<String, byte[]> files = new TreeMap<>();
      for (Map.Entry<String, String> file : expected.entrySet()) {
        Path path = new Path(dir, file.getKey());
        if (!fs.exists(path)) {
          throw mismatch(champion, file.getKey() + " is missing, expected sha256 " + file.getValue());
        }
        byte[] content = read(fs, path);
        check(champion, file.getKey(), sha256(content), file.getValue());
        files.put(file.getKey(), content);
      }
      return files;
    } catch (IOException e) {
      throw new PipelineException(
          ErrorCategory.BAD_INPUT, "Cannot read model bundle " + champion.bundlePath() + " of " + champion.describe() + ": " + e.getMessage(), e);
    }
  }

  /**
   * The registry's per-file digests; for a version registered before they were recorded, the
   * bundle's checksums file once its digest matches the registry's {@code bundle_checksum}.
   */
  private static Map<String, String> expectedDigests(ModelRegistry.Champion champion, FileSystem fs, Path dir)
      throws IOException {
    if (!champion.bundleFiles().isEmpty()) {
      return new TreeMap<>(champion.bundleFiles());
    }
    byte[] listing = read(fs, new Path(dir, CHECKSUMS));
    check(champion, CHECKSUMS, sha256(listing), champion.bundleChecksum());
    return parse(listing);
  }

  private static void check(ModelRegistry.Champion champion, String file, String actual, String expected) {
    if (!actual.equals(expected)) {
      throw mismatch(champion, file + " has sha256 " + actual + ", expected " + expected);
    }
  }

  private static PipelineException mismatch(ModelRegistry.Champion champion, String what) {
    return new PipelineException(
        ErrorCategory.BAD_INPUT,
        "Model bundle " + champion.bundlePath() + " does not match " + ModelRegistry.MODELS + " (" + champion.describe() + "): "
            + what + ". The bundle was changed after registration; restore it or retrain with `./pipeline train --domain "
            + champion.domain() + "`.");
  }

  private static byte[] listing(Map<String, String> digests) {
    StringBuilder checksums = new StringBuilder();
    new TreeMap<>(digests).forEach((name, digest) -> checksums.append(digest).append("  ").append(name).append('\n'));
    return checksums.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static Map<String, String> parse(byte[] listing) {
    Map<String, String> digests = new TreeMap<>();
    for (String line : new String(listing, StandardCharsets.UTF_8).split("\n")) {
      if (!line.isBlank()) {
        digests.put(line.substring(66), line.substring(0, 64));
      }
    }
    return digests;
  }

  /** Local folders without Hadoop's .crc side files: the bundle carries its own checksums. */
  private static FileSystem fileSystem(Path dir, Configuration hadoop) throws IOException {
    FileSystem fs = dir.getFileSystem(hadoop);
    return fs instanceof LocalFileSystem local ? local.getRaw() : fs;
  }

  static String sha256(byte[] content) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] read(FileSystem fs, Path file) throws IOException {
    try (InputStream in = fs.open(file); ByteArrayOutputStream out = new ByteArrayOutputStream()) {
      in.transferTo(out);
      return out.toByteArray();
    }
  }
}
