package io.sentimentpipeline.jobs.train;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;

/**
 * A model version's folder, {@code <warehouse>/models/<name>/<version>/}: weights, model and
 * training configuration, tokenizer, label map, metrics and report, plus {@code checksums.sha256}
 * so a scorer can verify what it loads. Written through Hadoop's file system (local, HDFS or object
 * store); a version folder that already exists is never overwritten.
 */
public final class ModelBundle {

  public static final String CHECKSUMS = "checksums.sha256";

  private ModelBundle() {}

  /** Writes the files and their checksums; returns the digest of the checksum file (the bundle's id). */
  public static String write(String location, Map<String, byte[]> files, Configuration hadoop) throws IOException {
    Path dir = new Path(location);
    FileSystem fs = fileSystem(dir, hadoop);
    if (fs.exists(dir)) {
      throw new IOException("model bundle " + location + " already exists; versions are never overwritten");
    }
    StringBuilder checksums = new StringBuilder();
    for (Map.Entry<String, byte[]> file : new TreeMap<>(files).entrySet()) {
      try (OutputStream out = fs.create(new Path(dir, file.getKey()), false)) {
        out.write(file.getValue());
      }
      checksums.append(sha256(file.getValue())).append("  ").append(file.getKey()).append('\n');
    }
    byte[] listing = checksums.toString().getBytes(StandardCharsets.UTF_8);
    try (OutputStream out = fs.create(new Path(dir, CHECKSUMS), false)) {
      out.write(listing);
    }
    return sha256(listing);
  }

  /** Reads every file listed in the checksums and fails naming the first that does not match. */
  public static Map<String, byte[]> readVerified(String location, Configuration hadoop) throws IOException {
    Path dir = new Path(location);
    FileSystem fs = fileSystem(dir, hadoop);
    Map<String, byte[]> files = new TreeMap<>();
    for (String line : new String(read(fs, new Path(dir, CHECKSUMS)), StandardCharsets.UTF_8).split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      String expected = line.substring(0, 64);
      String name = line.substring(66);
      byte[] content = read(fs, new Path(dir, name));
      if (!sha256(content).equals(expected)) {
        throw new IOException("model bundle " + location + ": " + name + " does not match its checksum");
      }
      files.put(name, content);
    }
    return files;
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
