package io.sentimentpipeline.jobs.tokenize;

import io.sentimentpipeline.jobs.config.ConfigError;
import io.sentimentpipeline.udfs.nlp.TokenizerSpec;
import java.io.Serializable;

/**
 * The tokenize stage ({@code tokenize.*}) with its encoder's tokenizer resolved from {@code
 * encoders}; {@code paritySample} is the share of documents whose Spark NLP words are also encoded
 * to check they give the same ids (0 = none, 1 = all).
 */
public record TokenizeConfig(TokenizerSpec tokenizer, int batchSize, String normalizerCleanup, double paritySample)
    implements Serializable {

  public TokenizeConfig {
    if (batchSize < 1 || batchSize > 4096) {
      throw new ConfigError("tokenize.batch-size", "must be between 1 and 4096, got " + batchSize);
    }
    if (!(paritySample >= 0 && paritySample <= 1)) {
      throw new ConfigError(
          "tokenize.parity-sample",
          "must be a share between 0 (no parity check) and 1 (every document), got " + paritySample);
    }
  }

  /** The same settings for another tokenizer (e.g. a champion's max length). */
  public TokenizeConfig withTokenizer(TokenizerSpec other) {
    return new TokenizeConfig(other, batchSize, normalizerCleanup, paritySample);
  }
}
