package io.sentimentpipeline.udfs.score;

/**
 * A document's sentiment as the scoring table stores it: one shape for binary and three-class
 * models, so that downstream queries and alerts need not know which model wrote a row.
 *
 * @param label "negative", "neutral" or "positive" (binary models say "neutral" inside the band)
 * @param pNegative p(negative)
 * @param pNeutral p(neutral), or null for a binary model (it has no such output)
 * @param pPositive p(positive)
 * @param score pPositive - pNegative, in [-1, 1]
 * @param confidence the largest class probability
 */
public record SentimentScore(
    String label, double pNegative, Double pNeutral, double pPositive, double score, double confidence) {}
