package io.sentimentpipeline.jobs.score;

import io.sentimentpipeline.jobs.config.ConfigError;
import io.sentimentpipeline.jobs.config.Domain;
import io.sentimentpipeline.jobs.config.EntityConfig;
import io.sentimentpipeline.jobs.tokenize.TokenizeConfig;
import io.sentimentpipeline.udfs.score.ChunkAggregation;
import io.sentimentpipeline.udfs.score.ScoringOptions;
import java.io.Serializable;
import java.util.List;

/**
 * Batch scoring ({@code score.*}): which domains, how documents are batched and split into chunks,
 * the neutral band of binary models, and whether a new champion rescores the past; {@code entities}
 * (the company dictionary) names each ticker for an entity model.
 *
 * @param backfill true: every document without a score from the champion gets one (a new champion
 *     rescores the whole corpus); false: only documents of the run date
 * @param engine the runtime asked for ({@code score.engine}); the bundle may force a fallback
 * @param precision the ONNX model asked for ({@code score.precision})
 * @param int8RecheckMargin int8 near-ties rescored with the fp32 graph ({@code score.int8-recheck-margin}; 0 = off)
 */
public record ScoreConfig(
    List<Domain> domains,
    int batchSize,
    int documentsPerCall,
    int maxDocumentTokens,
    int chunkOverlap,
    ChunkAggregation chunkAggregation,
    double neutralBand,
    boolean backfill,
    ScoringOptions.Engine engine,
    ScoringOptions.Precision precision,
    double int8RecheckMargin,
    TokenizeConfig tokenize,
    EntityConfig entities)
    implements Serializable {

  public ScoreConfig {
    domains = List.copyOf(domains);
    if (domains.isEmpty()) {
      throw new ConfigError("score.domains", "must name at least one of review, news");
    }
    if (batchSize < 1) {
      throw new ConfigError("score.batch-size", "must be at least 1, got " + batchSize);
    }
    if (documentsPerCall < batchSize) {
      throw new ConfigError("score.documents-per-call", "must be at least score.batch-size (" + batchSize + "), got " + documentsPerCall);
    }
    if (maxDocumentTokens < 16 || maxDocumentTokens > 8192) {
      throw new ConfigError("score.max-document-tokens", "must be between 16 and 8192, got " + maxDocumentTokens);
    }
    if (chunkOverlap < 0) {
      throw new ConfigError("score.chunk-overlap", "must not be negative, got " + chunkOverlap);
    }
    if (neutralBand < 0 || neutralBand >= 1) {
      throw new ConfigError("score.neutral-band", "must be in [0, 1), got " + neutralBand);
    }
    if (engine == null || precision == null) {
      throw new ConfigError(engine == null ? "score.engine" : "score.precision", "must be set");
    }
    if (!(int8RecheckMargin >= 0 && int8RecheckMargin < 1)) {
      throw new ConfigError("score.int8-recheck-margin", "must be in [0, 1), got " + int8RecheckMargin);
    }
  }

  /** The scoring options for a task of {@code taskCpus} cores on an executor of {@code executorCores}. */
  public ScoringOptions scoringOptions(int executorCores, int taskCpus) {
    return new ScoringOptions(engine, precision, Math.max(1, executorCores), Math.max(1, taskCpus), int8RecheckMargin);
  }

  /** This configuration scoring {@code only} these domains (the CLI's {@code --domain}). */
  public ScoreConfig withDomains(List<Domain> only) {
    return new ScoreConfig(only, batchSize, documentsPerCall, maxDocumentTokens, chunkOverlap, chunkAggregation, neutralBand, backfill,
        engine, precision, int8RecheckMargin, tokenize, entities);
  }
}
