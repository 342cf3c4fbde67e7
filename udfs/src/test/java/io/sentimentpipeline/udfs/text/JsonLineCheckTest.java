package io.sentimentpipeline.udfs.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

class JsonLineCheckTest {

  private static final Set<String> TEXT = Set.of("body", "headline");

  private static String problem(String line) {
    return JsonLineCheck.problem(line, TEXT);
  }

  @Test
  void oneObjectWithStringTextIsFine() {
    assertThat(problem("{\"id\": 7, \"body\": \"Shares rose.\", \"headline\": null, \"tags\": [1, {\"a\": 2}]}")).isNull();
  }

  @Test
  void namesWhatSparkWouldDropOrTurnIntoText() {
    assertThat(problem("[]")).isEqualTo("line holds a JSON array, not one JSON object");
    assertThat(problem("42")).isEqualTo("line holds a JSON number, not one JSON object");
    assertThat(problem("{\"body\":\"a\"}{\"body\":\"b\"}")).contains("more than one JSON value");
    assertThat(problem("{\"body\":\"a\"} trailing")).startsWith("not valid JSON at character");
    assertThat(problem("{\"body\":\"a\"} 12")).isEqualTo("content after the JSON object at character 13");
    assertThat(problem("{\"body\": {\"x\": 1}}")).isEqualTo("field 'body' holds a JSON object, not a string");
    assertThat(problem("{\"body\": 12}")).isEqualTo("field 'body' holds a JSON number, not a string");
    assertThat(problem("{\"headline\": [\"a\"]}")).isEqualTo("field 'headline' holds a JSON array, not a string");
    assertThat(problem("{\"body\": \"cut")).startsWith("not valid JSON");
    assertThat(problem("{\"x\": " + "[".repeat(5000) + "]".repeat(5000) + "}")).startsWith("not valid JSON").contains("depth");
  }
}
