package io.sentimentpipeline.jobs.clean;

import static org.assertj.core.api.Assertions.assertThat;

import io.sentimentpipeline.jobs.SparkTestBase;
import io.sentimentpipeline.jobs.cli.PipelineConfig;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The clean stage's pure transformations on tiny in-memory bronze rows. */
class CleanTransformsTest extends SparkTestBase {

  private static final StructType BRONZE =
      new StructType()
          .add("batch_id", DataTypes.StringType)
          .add("source", DataTypes.StringType)
          .add("domain", DataTypes.StringType)
          .add("record_id", DataTypes.StringType)
          .add("title", DataTypes.StringType)
          .add("text", DataTypes.StringType)
          .add("label_raw", DataTypes.StringType)
          .add("timestamp_raw", DataTypes.StringType)
          .add("malformed", DataTypes.BooleanType)
          .add("malformed_reason", DataTypes.StringType)
          .add("raw_record", DataTypes.StringType)
          .add("source_file", DataTypes.StringType)
          .add("ingested_at", DataTypes.TimestampType);

  private static final List<Row> ROWS = new ArrayList<>();
  private static final java.time.LocalDate RUN_DATE = java.time.LocalDate.parse("2026-11-28");
  private static Map<String, Row> byId;

  private static void add(String domain, String id, String title, String text, String label, String ts, boolean malformed) {
    String source = domain.equals("news") ? "news" : "reviews";
    add(domain, id, title, text, label, ts, malformed, null, "{raw " + id + "}");
  }

  private static void add(
      String domain, String id, String title, String text, String label, String ts, boolean malformed,
      String malformedReason, String raw) {
    String source = domain.equals("news") ? "news" : "reviews";
    ROWS.add(RowFactory.create("b1", source, domain, id, title, text, label, ts, malformed, malformedReason, raw, "file:/in/" + source, Timestamp.valueOf("2026-11-28 00:00:00")));
  }

  @BeforeAll
  static void normaliseRows() {
    add("review", "ok", null, "<p>Great &amp; cheap</p>", "5", "2026-10-01T10:00:00Z", false);
    add("review", "dup-ws", null, "  Great &   cheap ", "4", "2026-10-02T10:00:00Z", false);
    add("review", "malformed", null, null, null, null, true);
    add("review", "missing", null, null, "3", null, false);
    add("review", "blank", null, " \t ", "3", null, false);
    add("review", "short", null, "ok", "3", null, false);
    add("review", "long", null, "word ".repeat(5000), "3", null, false);
    add("review", "bad-date", null, "Broke after a day.", "1", "31/02/2026", false);
    add("review", "bad-label", null, "Fine, I guess.", "five", null, false);
    add("review", "no-date", null, "No date is fine for a review.", null, null, false);
    add("news", "late-utc", "Novex shares plunge", "$NVX fell after the probe. Orchard Apple pie festival opens.", "bearish", "2026-11-20T21:30:00-05:00", false);
    add("news", "no-date-news", "Acorel wins contract", "NYSE: ACRL rose.", null, null, false);
    add("review", "ancient", null, "Bought it in the year one.", "5", "0001-01-01", false);
    add("review", "medieval", null, "A very old review.", "5", "1500-06-01T00:00:00Z", false);
    add("review", "never", null, "Valid until forever.", "5", "9999-12-31", false);
    add("review", "tomorrow-plus", null, "Written in the future.", "5", "2026-11-30T00:00:00Z", false);
    add("review", "micros", null, "Fraction of a second.", "5", "2026-10-01T10:00:00.123456Z", false);
    add("review", "nanos", null, "Nine fraction digits.", "5", "2026-10-01T10:00:00.123456789+0000", false);
    add("review", "compact-offset", null, "Offset without colon.", "5", "2026-10-01T10:00:00-0500", false);
    add("review", "label-nbsp", null, "Label padded with NBSP.", "\u00A05\t", null, false);
    add("news", "label-newline", "Padded label", "Finwick Bank opens a branch.", "bullish\n", "2026-10-01", false);
    add("review", "latin1", null, "caf\uFFFD cr\uFFFDme", "5", null, false, null, "{\"body\":\"caf\uFFFD cr\uFFFDme\"}");
    add("review", "late-bytes", null, "na\u00EFve \u20AC5 and \uFFFD", "5", null, false, null, "{\"body\":\"na\u00EFve \u20AC5 and \uFFFD\"}");
    add("review", "json-array", null, null, null, null, true, "line holds a JSON array, not one JSON object", "[]");
    PipelineConfig config = config("clean.max-chars=1000");
    Dataset<Row> normalised =
        CleanTransforms.normalise(
            spark.createDataFrame(ROWS, BRONZE), config.sources(), config.clean(), config.entities().extractor(),
            RUN_DATE);
    byId = new HashMap<>();
    for (Row row : normalised.collectAsList()) {
      byId.put(row.getAs("record_id"), row);
    }
  }

  private static String reason(String id) {
    return byId.get(id).getAs("reason");
  }

  @Test
  void everyKindOfBadRowGetsItsReason() {
    assertThat(reason("malformed")).isEqualTo(CleanTransforms.MALFORMED);
    assertThat(reason("missing")).isEqualTo(CleanTransforms.MISSING_TEXT);
    assertThat(reason("blank")).isEqualTo(CleanTransforms.MISSING_TEXT);
    assertThat(reason("short")).isEqualTo(CleanTransforms.TEXT_TOO_SHORT);
    assertThat(reason("long")).isEqualTo(CleanTransforms.TEXT_TOO_LONG);
    assertThat(reason("bad-date")).isEqualTo(CleanTransforms.BAD_TIMESTAMP);
    assertThat(reason("bad-label")).isEqualTo(CleanTransforms.UNKNOWN_LABEL);
    assertThat(reason("no-date-news")).isEqualTo(CleanTransforms.MISSING_TIMESTAMP);
    assertThat(byId.get("long").<String>getAs("detail")).contains("clean.max-chars = 1000");
    assertThat(byId.get("bad-date").<String>getAs("detail")).contains("31/02/2026");
  }

  @Test
  void eventTimesOutsideThePlausibleWindowAreQuarantined() {
    assertThat(reason("ancient")).isEqualTo(CleanTransforms.IMPLAUSIBLE_TIMESTAMP);
    assertThat(reason("medieval")).isEqualTo(CleanTransforms.IMPLAUSIBLE_TIMESTAMP);
    assertThat(reason("never")).isEqualTo(CleanTransforms.IMPLAUSIBLE_TIMESTAMP);
    assertThat(reason("tomorrow-plus")).as("run date 2026-11-28 + 1 day ends at 2026-11-30T00:00Z")
        .isEqualTo(CleanTransforms.IMPLAUSIBLE_TIMESTAMP);
    assertThat(byId.get("never").<String>getAs("detail"))
        .contains("'9999-12-31'", "1970-01-01T00:00:00Z .. 2026-11-30T00:00:00Z", "clean.event-time-min");
  }

  @Test
  void iso8601VariantsParse() {
    assertThat(reason("micros")).isNull();
    assertThat(byId.get("micros").<Timestamp>getAs("event_ts").toInstant().toString()).isEqualTo("2026-10-01T10:00:00.123456Z");
    assertThat(byId.get("nanos").<Timestamp>getAs("event_ts").toInstant().toString()).startsWith("2026-10-01T10:00:00.123456");
    assertThat(byId.get("compact-offset").<Timestamp>getAs("event_ts").toInstant().toString()).isEqualTo("2026-10-01T15:00:00Z");
  }

  @Test
  void labelsPaddedWithUnicodeWhitespaceMapLikeTheirTrimmedForm() {
    assertThat(reason("label-nbsp")).isNull();
    assertThat(byId.get("label-nbsp").<String>getAs("label")).isEqualTo("positive");
    assertThat(byId.get("label-newline").<String>getAs("label")).isEqualTo("positive");
  }

  @Test
  void undecodableBytesAndReaderProblemsAreNamed() {
    assertThat(reason("latin1")).isEqualTo(CleanTransforms.INVALID_ENCODING);
    assertThat(byId.get("latin1").<String>getAs("detail"))
        .contains("not valid UTF-8 at column 'body' at byte 3", "sources.reviews.charset");
    assertThat(byId.get("late-bytes").<String>getAs("detail"))
        .as("ï is 2 bytes and € is 3 in UTF-8").contains("at column 'body' at byte 16 ");
    assertThat(reason("json-array")).isEqualTo(CleanTransforms.MALFORMED);
    assertThat(byId.get("json-array").<String>getAs("detail")).isEqualTo("line holds a JSON array, not one JSON object");
  }

  @Test
  void goodRowsAreCleanedAndLabelled() {
    Row ok = byId.get("ok");
    assertThat(reason("ok")).isNull();
    assertThat(reason("no-date")).as("reviews may lack a timestamp").isNull();
    assertThat(ok.<String>getAs("text_clean")).isEqualTo("Great & cheap");
    assertThat(ok.<String>getAs("label")).isEqualTo("positive");
    assertThat(byId.get("bad-date").<String>getAs("label")).isEqualTo("negative");
    assertThat(byId.get("late-utc").<String>getAs("label")).isEqualTo("negative");
  }

  @Test
  void whitespaceAndMarkupVariantsShareADocId() {
    assertThat(byId.get("dup-ws").<String>getAs("doc_id")).isEqualTo(byId.get("ok").getAs("doc_id"));
    assertThat(byId.get("ok").<String>getAs("doc_id")).hasSize(64);
  }

  @Test
  void timestampsBecomeUtcWithTheUtcDate() {
    Row late = byId.get("late-utc");
    assertThat(late.<Timestamp>getAs("event_ts").toInstant().toString()).isEqualTo("2026-11-21T02:30:00Z");
    assertThat(late.getAs("event_date").toString()).isEqualTo("2026-11-21");
  }

  @Test
  void newsGetsTickersReviewsDoNot() {
    assertThat(byId.get("late-utc").<String>getList(byId.get("late-utc").fieldIndex("entities")))
        .as("cashtag and name, but not the excluded 'Orchard Apple pie'")
        .containsExactly("NVX");
    assertThat(byId.get("no-date-news").<String>getList(byId.get("no-date-news").fieldIndex("entities")))
        .containsExactly("ACRL");
    assertThat(byId.get("ok").<String>getList(byId.get("ok").fieldIndex("entities"))).isEmpty();
  }

  @Test
  void dedupeKeepsTheEarliestOfEachDocId() {
    Dataset<Row> accepted = CleanTransforms.accepted(spark.createDataFrame(new ArrayList<>(byId.values()), byId.get("ok").schema()));
    List<Row> deduped = CleanTransforms.dedupe(accepted).collectAsList();
    assertThat(deduped).extracting(row -> row.<String>getAs("record_id"))
        .containsExactlyInAnyOrder(
            "ok", "no-date", "late-utc", "micros", "nanos", "compact-offset", "label-nbsp", "label-newline");
  }
}
