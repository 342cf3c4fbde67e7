package io.sentimentpipeline.jobs.catalog;

/** A warehouse table by layer ({@code bronze}, {@code silver}, ...) and name, e.g. {@code silver.documents}. */
public record TableName(String layer, String table) {

  public static final TableName DOCUMENTS = new TableName("silver", "documents");
  public static final TableName QUARANTINE = new TableName("silver", "quarantine");
  public static final TableName TOKENS = new TableName("silver", "tokens");
  public static final TableName ENTITY_LABELS = new TableName("silver", "entity_labels");
  public static final TableName ENTITY_SCORES = new TableName("gold", "entity_sentiment_scores");
  public static final TableName SENTIMENT_SCORES = new TableName("gold", "sentiment_scores");
  public static final TableName ENTITY_DAILY = new TableName("gold", "entity_daily_sentiment");
  public static final TableName SENTIMENT_ALERTS = new TableName("gold", "sentiment_alerts");

  public TableName {
    if (!layer.matches("[a-z][a-z0-9_]*") || !table.matches("[a-z][a-z0-9_]*")) {
      throw new IllegalArgumentException("table names are lower-case identifiers: " + layer + "." + table);
    }
  }

  /** {@code bronze.<source>_raw}: one raw table per configured source. */
  public static TableName bronze(String source) {
    return new TableName("bronze", source + "_raw");
  }

  /** The name SQL uses. */
  public String sql() {
    return layer + "." + table;
  }

  @Override
  public String toString() {
    return sql();
  }
}
