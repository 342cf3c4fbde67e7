package io.sentimentpipeline.udfs.text;

import static org.apache.spark.sql.functions.udf;

import java.util.List;
import java.util.Set;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;

/**
 * The Spark column functions for text that Spark has no built-in for: Unicode NFKC with HTML
 * entity decoding, a strict check of JSON lines, and dictionary-based entity extraction. Their logic lives in {@link
 * TextCleaner} and {@link EntityExtractor}.
 */
public final class TextFunctions {

  private TextFunctions() {}

  /** {@code clean_text(string) -> string}: see {@link TextCleaner#clean(String)}. */
  public static UserDefinedFunction cleanText() {
    return udf((UDF1<String, String>) TextCleaner::clean, DataTypes.StringType)
        .withName("clean_text");
  }

  /** {@code json_line_problem(string) -> string}: see {@link JsonLineCheck#problem(String, Set)}. */
  public static UserDefinedFunction jsonLineProblem(Set<String> stringFields) {
    Set<String> fields = Set.copyOf(stringFields);
    return udf((UDF1<String, String>) line -> JsonLineCheck.problem(line, fields), DataTypes.StringType)
        .withName("json_line_problem");
  }

  /** {@code extract_entities(string) -> array<string>} of tickers, never null. */
  public static UserDefinedFunction extractEntities(EntityExtractor extractor) {
    UDF1<String, List<String>> extract = extractor::extract;
    return udf(extract, DataTypes.createArrayType(DataTypes.StringType, false))
        .withName("extract_entities");
  }
}
