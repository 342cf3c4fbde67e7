package io.sentimentpipeline.udfs.text;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.Locale;
import java.util.Set;

/**
 * Checks that a JSON-lines line is exactly one JSON object whose text fields hold strings. Spark's
 * JSON reader keeps the first value of {@code {..}{..}} or {@code {..} garbage} and turns an object
 * or number in a string column into its JSON text, so such lines would lose content or become
 * documents that are not text; this names the problem instead. Spark-free, so it is tested directly.
 */
public final class JsonLineCheck {

  private static final JsonFactory JSON = new JsonFactory();

  private JsonLineCheck() {}

  /** Why {@code line} is not one object with string (or null) {@code stringFields}; null when it is. */
  public static String problem(String line, Set<String> stringFields) {
    if (line == null) {
      return null;
    }
    try (JsonParser parser = JSON.createParser(line)) {
      JsonToken first = parser.nextToken();
      if (first != JsonToken.START_OBJECT) {
        return "line holds " + describe(first) + ", not one JSON object";
      }
      for (JsonToken token = parser.nextToken(); token == JsonToken.FIELD_NAME; token = parser.nextToken()) {
        String field = parser.currentName();
        JsonToken value = parser.nextToken();
        if (stringFields.contains(field) && value != JsonToken.VALUE_STRING && value != JsonToken.VALUE_NULL) {
          return "field '" + field + "' holds " + describe(value) + ", not a string";
        }
        parser.skipChildren();
      }
      JsonToken after = parser.nextToken();
      if (after != null) {
        return after == JsonToken.START_OBJECT || after == JsonToken.START_ARRAY
            ? "line holds more than one JSON value; put one object per line"
            : "content after the JSON object at character " + parser.currentTokenLocation().getCharOffset();
      }
      return null;
    } catch (JsonProcessingException e) {
      String message = String.valueOf(e.getOriginalMessage());
      String where = e.getLocation() == null ? "" : " at character " + e.getLocation().getCharOffset();
      return "not valid JSON" + where + ": " + message.lines().findFirst().orElse(message);
    } catch (IOException | RuntimeException e) { // e.g. Jackson's nesting-depth limit
      return "not valid JSON: " + String.valueOf(e.getMessage()).lines().findFirst().orElse("");
    }
  }

  private static String describe(JsonToken token) {
    if (token == null) {
      return "no JSON value";
    }
    return switch (token) {
      case START_ARRAY -> "a JSON array";
      case START_OBJECT -> "a JSON object";
      case VALUE_STRING -> "a JSON string";
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a JSON number";
      case VALUE_TRUE, VALUE_FALSE -> "a JSON boolean";
      case VALUE_NULL -> "JSON null";
      default -> token.name().toLowerCase(Locale.ROOT);
    };
  }
}
