package io.sentimentpipeline.jobs.ingest;

import java.io.IOException;
import java.io.InputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionCodecFactory;
import org.apache.spark.sql.SparkSession;

/**
 * Looks at the first bytes of a text file (decompressed) for what Spark's line readers cannot
 * split: UTF-16 and UTF-32. Read as UTF-8, such a file turns into "wrong column count" or broken
 * JSON on every line; this names the encoding instead, before anything is read.
 */
final class ByteOrderMark {

  private ByteOrderMark() {}

  /** Why the file cannot be read as a line-based text file, or null when it can. */
  static String problem(SparkSession spark, SourceFile file) {
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    Path path = new Path(file.path());
    byte[] head = new byte[64];
    int n;
    try {
      FileSystem fs = path.getFileSystem(hadoop);
      CompressionCodec codec = new CompressionCodecFactory(hadoop).getCodec(path);
      try (InputStream raw = fs.open(path);
          InputStream in = codec == null ? raw : codec.createInputStream(raw)) {
        n = in.readNBytes(head, 0, head.length);
      }
    } catch (IOException e) {
      return null; // the reader reports a file it cannot open or decompress, with Spark's reason
    }
    String encoding = encoding(head, n);
    return encoding == null
        ? null
        : "the file is " + encoding + "; convert it to UTF-8 (iconv -f " + encoding.split(" ")[0] + " -t UTF-8)";
  }

  /** The UTF-16/32 flavour the bytes start with, or null. */
  static String encoding(byte[] head, int n) {
    int b0 = n > 0 ? head[0] & 0xFF : -1;
    int b1 = n > 1 ? head[1] & 0xFF : -1;
    if (n >= 4 && b0 == 0xFF && b1 == 0xFE && head[2] == 0 && head[3] == 0) {
      return "UTF-32LE (byte-order mark FF FE 00 00)";
    }
    if (n >= 4 && b0 == 0 && b1 == 0 && (head[2] & 0xFF) == 0xFE && (head[3] & 0xFF) == 0xFF) {
      return "UTF-32BE (byte-order mark 00 00 FE FF)";
    }
    if (b0 == 0xFF && b1 == 0xFE) {
      return "UTF-16LE (byte-order mark FF FE)";
    }
    if (b0 == 0xFE && b1 == 0xFF) {
      return "UTF-16BE (byte-order mark FE FF)";
    }
    int evenZeros = 0;
    int oddZeros = 0;
    for (int i = 0; i + 1 < n; i += 2) {
      evenZeros += head[i] == 0 ? 1 : 0;
      oddZeros += head[i + 1] == 0 ? 1 : 0;
    }
    int pairs = n / 2;
    if (pairs >= 4 && oddZeros * 4 >= pairs * 3 && evenZeros == 0) {
      return "UTF-16LE (no byte-order mark: every other byte is NUL)";
    }
    if (pairs >= 4 && evenZeros * 4 >= pairs * 3 && oddZeros == 0) {
      return "UTF-16BE (no byte-order mark: every other byte is NUL)";
    }
    return null;
  }
}
