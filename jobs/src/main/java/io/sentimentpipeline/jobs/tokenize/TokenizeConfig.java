package io.sentimentpipeline.jobs.tokenize;

import io.sentimentpipeline.jobs.config.ConfigError;
import io.sentimentpipeline.udfs.nlp.TokenizerSpec;
import java.io.Serializable;

/** The tokenize stage ({@code tokenize.*}) with its encoder's tokenizer resolved from {@code encoders}. */
public record TokenizeConfig(TokenizerSpec tokenizer, int batchSize, String normalizerCleanup) implements Serializable {

  public TokenizeConfig {
    if (batchSize < 1 || batchSize > 4096) {
      throw new ConfigError("tokenize.batch-size", "must be between 1 and 4096, got " + batchSize);
    }
  }
}
