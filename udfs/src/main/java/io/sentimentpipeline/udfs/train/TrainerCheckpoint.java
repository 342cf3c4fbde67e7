package io.sentimentpipeline.udfs.train;

import io.sentimentpipeline.udfs.eval.ClassificationMetrics;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Everything a fine-tuning run needs to continue after its last finished epoch as if it had never
 * stopped: parameters, AdamW moments, the step count, the epochs so far, the early-stopping state
 * and the best parameters. The data order needs no state: each epoch's shuffle and dropout seed are
 * derived from the config seed and the epoch number.
 *
 * <p>One file, {@value #FILE_NAME}, written with {@link DataOutputStream} (big-endian floats) to a
 * temporary file and moved over the old one, so a crash while saving leaves the previous epoch's
 * checkpoint intact.
 *
 * @param fingerprint the settings that fix the run's trajectory; a resume must match them
 * @param epochsCompleted epochs finished (1-based number of the last one)
 * @param bestEpoch epoch with the best validation macro-F1 so far (0 = none yet)
 * @param names parameter names, in the order of the arrays below
 */
record TrainerCheckpoint(
    String fingerprint,
    int epochsCompleted,
    long step,
    int bestEpoch,
    double bestScore,
    int epochsWithoutImprovement,
    boolean stoppedEarly,
    List<EpochResult> history,
    List<String> names,
    float[][] parameters,
    float[][] firstMoments,
    float[][] secondMoments,
    float[][] bestParameters) {

  static final String FILE_NAME = "trainer-checkpoint.bin";
  private static final int MAGIC = 0x53545243; // "STRC"
  private static final int VERSION = 2; // 2: skipped steps per epoch

  static Path file(Path dir) {
    return dir.resolve(FILE_NAME);
  }

  /** Renames the checkpoint in {@code dir} to {@code <name>.other-settings} (replacing an older one there). */
  static Path setAside(Path dir) throws IOException {
    Path aside = dir.resolve(FILE_NAME + ".other-settings");
    return Files.move(file(dir), aside, StandardCopyOption.REPLACE_EXISTING);
  }

  /** Writes the checkpoint into {@code dir} (created if missing), replacing any earlier one atomically. */
  void save(Path dir) throws IOException {
    Files.createDirectories(dir);
    Path temp = Files.createTempFile(dir, FILE_NAME, ".tmp");
    try {
      try (OutputStream raw = Files.newOutputStream(temp);
          DataOutputStream out = new DataOutputStream(new BufferedOutputStream(raw, 1 << 16))) {
        write(out);
      }
      try {
        Files.move(temp, file(dir), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, file(dir), StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /** The checkpoint in {@code dir}, or empty when there is none. */
  static Optional<TrainerCheckpoint> load(Path dir, List<String> labels) throws IOException {
    Path file = file(dir);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try (InputStream raw = Files.newInputStream(file);
        DataInputStream in = new DataInputStream(new BufferedInputStream(raw, 1 << 16))) {
      return Optional.of(read(in, labels, file));
    }
  }

  private void write(DataOutputStream out) throws IOException {
    out.writeInt(MAGIC);
    out.writeInt(VERSION);
    out.writeUTF(fingerprint);
    out.writeInt(epochsCompleted);
    out.writeLong(step);
    out.writeInt(bestEpoch);
    out.writeDouble(bestScore);
    out.writeInt(epochsWithoutImprovement);
    out.writeBoolean(stoppedEarly);
    out.writeInt(history.size());
    for (EpochResult epoch : history) {
      out.writeInt(epoch.epoch());
      out.writeLong(epoch.step());
      out.writeDouble(epoch.trainLoss());
      out.writeDouble(epoch.validationLoss());
      out.writeDouble(epoch.samplesPerSecond());
      out.writeDouble(epoch.seconds());
      out.writeLong(epoch.skippedSteps());
      long[][] confusion = epoch.validation().confusion();
      out.writeInt(confusion.length);
      for (long[] row : confusion) {
        for (long count : row) {
          out.writeLong(count);
        }
      }
    }
    out.writeInt(names.size());
    for (int i = 0; i < names.size(); i++) {
      out.writeUTF(names.get(i));
      writeFloats(out, parameters[i]);
      writeFloats(out, firstMoments[i]);
      writeFloats(out, secondMoments[i]);
      writeFloats(out, bestParameters[i]);
    }
  }

  private static TrainerCheckpoint read(DataInputStream in, List<String> labels, Path file)
      throws IOException {
    if (in.readInt() != MAGIC) {
      throw new IOException(file + " is not a trainer checkpoint");
    }
    int version = in.readInt();
    if (version != VERSION) {
      throw new IOException(file + " has checkpoint version " + version + ", expected " + VERSION);
    }
    String fingerprint = in.readUTF();
    int epochsCompleted = in.readInt();
    long step = in.readLong();
    int bestEpoch = in.readInt();
    double bestScore = in.readDouble();
    int epochsWithoutImprovement = in.readInt();
    boolean stoppedEarly = in.readBoolean();
    int epochs = in.readInt();
    List<EpochResult> history = new ArrayList<>();
    for (int e = 0; e < epochs; e++) {
      int epoch = in.readInt();
      long epochStep = in.readLong();
      double trainLoss = in.readDouble();
      double validationLoss = in.readDouble();
      double samplesPerSecond = in.readDouble();
      double seconds = in.readDouble();
      long skippedSteps = in.readLong();
      int classes = in.readInt();
      if (classes != labels.size()) {
        throw new IOException(file + " was written for " + classes + " labels, not " + labels.size());
      }
      long[][] confusion = new long[classes][classes];
      for (long[] row : confusion) {
        for (int c = 0; c < classes; c++) {
          row[c] = in.readLong();
        }
      }
      history.add(
          new EpochResult(
              epoch,
              epochStep,
              trainLoss,
              validationLoss,
              new ClassificationMetrics(labels, confusion),
              samplesPerSecond,
              seconds,
              skippedSteps));
    }
    int count = in.readInt();
    List<String> names = new ArrayList<>();
    float[][] parameters = new float[count][];
    float[][] first = new float[count][];
    float[][] second = new float[count][];
    float[][] best = new float[count][];
    for (int i = 0; i < count; i++) {
      names.add(in.readUTF());
      parameters[i] = readFloats(in);
      first[i] = readFloats(in);
      second[i] = readFloats(in);
      best[i] = readFloats(in);
    }
    return new TrainerCheckpoint(
        fingerprint,
        epochsCompleted,
        step,
        bestEpoch,
        bestScore,
        epochsWithoutImprovement,
        stoppedEarly,
        history,
        names,
        parameters,
        first,
        second,
        best);
  }

  private static void writeFloats(DataOutputStream out, float[] values) throws IOException {
    ByteBuffer bytes = ByteBuffer.allocate(values.length * Float.BYTES); // big-endian
    bytes.asFloatBuffer().put(values);
    out.writeInt(values.length);
    out.write(bytes.array());
  }

  private static float[] readFloats(DataInputStream in) throws IOException {
    float[] values = new float[in.readInt()];
    byte[] bytes = new byte[values.length * Float.BYTES];
    in.readFully(bytes);
    ByteBuffer.wrap(bytes).asFloatBuffer().get(values);
    return values;
  }
}
