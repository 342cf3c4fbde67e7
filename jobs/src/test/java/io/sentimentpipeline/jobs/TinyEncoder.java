package io.sentimentpipeline.jobs;

import ai.djl.ndarray.NDManager;
import io.sentimentpipeline.udfs.model.BertConfig;
import io.sentimentpipeline.udfs.model.BertEncoder;
import io.sentimentpipeline.udfs.model.SafetensorsWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A tiny random BERT with MiniLM's vocabulary (2 layers of width 32), saved as a Hugging Face
 * checkpoint, so that jobs which fine-tune or score run in seconds on a CPU with the real tokenizer.
 */
public final class TinyEncoder {

  private TinyEncoder() {}

  /** Writes the checkpoint under {@code workDir/tiny-bert} (once) and returns where it is. */
  public static Path checkpoint(Path workDir) throws IOException {
    Path checkpoint = workDir.resolve("tiny-bert");
    if (Files.isRegularFile(checkpoint.resolve("model.safetensors"))) {
      return checkpoint;
    }
    Files.createDirectories(checkpoint);
    BertConfig tiny = new BertConfig(30522, 32, 2, 4, 64, 512, 2);
    tiny.writeHuggingFaceJson(checkpoint.resolve("config.json"));
    try (NDManager manager = NDManager.newBaseManager("PyTorch");
        OutputStream out = Files.newOutputStream(checkpoint.resolve("model.safetensors"))) {
      BertEncoder encoder = new BertEncoder(tiny);
      encoder.initializeParameters(manager);
      SafetensorsWriter.write(SafetensorsWriter.snapshot(encoder.parametersByHuggingFaceName()), "", out);
    }
    return checkpoint;
  }

  /** CLI {@code --set} arguments that train the tiny encoder quickly instead of MiniLM. */
  public static String[] overrides(Path workDir) throws IOException {
    return new String[] {
      "--set", "encoders.\"all-minilm-l6-v2\".weights=" + checkpoint(workDir),
      "--set", "train.epochs=6", "--set", "train.patience=6", "--set", "train.learning-rate=0.002",
      "--set", "train.dropout=0", "--set", "train.checkpoint-dir=" + workDir.resolve("checkpoints")
    };
  }
}
