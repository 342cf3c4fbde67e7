package io.sentimentpipeline.jobs.hostile;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_16BE;
import static java.nio.charset.StandardCharsets.UTF_16LE;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.sentimentpipeline.jobs.InProcessCli;
import io.sentimentpipeline.jobs.SparkTestBase;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPOutputStream;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A hostile corpus, written at run time: file names, encodings, compression, line ends, quoting,
 * JSON shapes, dates, sizes, symbolic links and directories, each kind in its own file or record.
 * For each kind the test checks how {@code ingest} and {@code clean} end (exit code), the per-file
 * ledger and accounting, and where every record went: a document, a quarantine reason, or a
 * duplicate. Every record's text carries its kind's marker (e.g. {@code k17}) to be found again.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HostileCorpusTest extends SparkTestBase {

  private static final String RUN_DATE = "2026-11-28";
  private static final String HEADER = "review_id,product,rating,title,body,created_at";

  /** Marker -> where the record must end: "document", "duplicate" or a quarantine reason. */
  private static final Map<String, String> RECORDS = new LinkedHashMap<>();
  /** File name (last path segment) -> ledger status. */
  private static final Map<String, String> FILES = new LinkedHashMap<>();

  private static Path landing;
  private static InProcessCli.Outcome ingest;
  private static InProcessCli.Outcome clean;

  private static List<String> args(String command) {
    Path conf = workDir.resolve("hostile.conf");
    return List.of(command, "--conf", conf.toString(), "--run-date", RUN_DATE);
  }

  private static String csvRow(String marker, String rating, String body, String ts) {
    String quoted = body.contains(",") || body.contains("\"") || body.contains("\n") ? "\"" + body.replace("\"", "\"\"") + "\"" : body;
    return marker + ",kettle," + rating + ",title " + marker + "," + quoted + "," + ts;
  }

  private static byte[] lines(String... lines) {
    return (String.join("\n", lines) + "\n").getBytes(UTF_8);
  }

  private static void file(String dir, String name, String status, byte[] content) throws Exception {
    Path file = landing.resolve(dir).resolve(name);
    Files.createDirectories(file.getParent());
    Files.write(file, content);
    FILES.put(name, status);
  }

  /** A one-record CSV file of the reviews source, holding the record of {@code marker}. */
  private static void review(String name, String marker, String expected, String rating, String body, String ts) throws Exception {
    RECORDS.put(marker, expected);
    file("reviews", name, "ingested", lines(HEADER, csvRow(marker, rating, body, ts)));
  }

  private static void news(String name, String marker, String expected, String line) throws Exception {
    RECORDS.put(marker, expected);
    file("news", name, "ingested", lines(line));
  }

  private static String newsLine(String marker, String body, String ts) {
    return "{\"id\":\"" + marker + "\",\"published_at\":\"" + ts + "\",\"headline\":\"Headline " + marker
        + "\",\"body\":\"" + body + "\",\"sentiment\":\"bullish\"}";
  }

  private static byte[] gzip(byte[] content) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
      out.write(content);
    }
    return bytes.toByteArray();
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }

  @BeforeAll
  static void writeCorpusAndRun() throws Exception {
    landing = workDir.resolve("landing");
    String ok = "Solid kettle that boils fast";
    String ts = "2026-10-01T10:00:00Z";
    // File names: legal on POSIX file systems, hostile to URIs and globs.
    review("good.csv", "k01", "document", "5", ok + " k01", ts);
    review("new\nline.csv", "k02", "document", "4", ok + " k02", ts);
    review("per%20cent%.csv", "k03", "document", "4", ok + " k03", ts);
    review("brackets[1].csv", "k04", "document", "4", ok + " k04", ts);
    review("space and ünïcode 文字.csv", "k05", "document", "4", ok + " k05", ts);
    review("hash#and?query*.csv", "k06", "document", "4", ok + " k06", ts);
    review("quote'and\"double.csv", "k07", "document", "4", ok + " k07", ts);
    // Entries Spark would skip or follow without a word.
    file("reviews", "_hidden.csv", "skipped", lines(HEADER, csvRow("k08", "5", ok + " k08", ts)));
    file("reviews", ".dotfile.csv", "skipped", lines(HEADER, csvRow("k09", "5", ok + " k09", ts)));
    Files.createDirectories(landing.resolve("reviews/subdir.csv"));
    Files.write(landing.resolve("reviews/subdir.csv/inner.csv"), lines(HEADER, csvRow("k10", "5", ok + " k10", ts)));
    FILES.put("subdir.csv", "skipped");
    Path secret = workDir.resolve("secret.txt");
    Files.write(secret, lines("root:x:0:0:root:/root:/bin/bash", "k11 must never be read"));
    Files.createSymbolicLink(landing.resolve("reviews/link-to-secret.csv"), secret);
    FILES.put("link-to-secret.csv", "skipped");
    // Sizes and compression.
    file("reviews", "empty.csv", "empty", new byte[0]);
    file("reviews", "header-only.csv", "empty", lines(HEADER));
    RECORDS.put("k12", "document");
    file("reviews", "gz-good.csv.gz", "ingested", gzip(lines(HEADER, csvRow("k12", "5", ok + " k12", ts))));
    StringBuilder many = new StringBuilder(HEADER + "\n");
    for (int i = 0; i < 3000; i++) {
      many.append(csvRow("k13x" + i, "5", "Lost row " + i + " k13", ts)).append('\n');
    }
    byte[] whole = gzip(many.toString().getBytes(UTF_8));
    file("reviews", "gz-truncated.csv.gz", "failed", Arrays.copyOf(whole, whole.length / 2));
    file("reviews", "not-gzip.csv.gz", "failed", lines(HEADER, csvRow("k14", "5", ok + " k14", ts)));
    // Encodings.
    file("reviews", "utf16le.csv", "failed", concat(new byte[] {(byte) 0xFF, (byte) 0xFE}, (HEADER + "\n" + csvRow("k15", "5", ok, ts)).getBytes(UTF_16LE)));
    file("reviews", "utf16be.csv", "failed", concat(new byte[] {(byte) 0xFE, (byte) 0xFF}, (HEADER + "\n" + csvRow("k16", "5", ok, ts)).getBytes(UTF_16BE)));
    file("reviews", "utf16-no-bom.csv", "failed", (HEADER + "\n" + csvRow("k17", "5", ok, ts)).getBytes(UTF_16LE));
    RECORDS.put("k18", "document");
    file("reviews", "utf8-bom.csv", "ingested", concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, lines(HEADER, csvRow("k18", "5", ok + " k18", ts))));
    RECORDS.put("k19", "invalid_encoding");
    file("reviews", "latin1-bytes.csv", "ingested", concat(lines(HEADER).clone(), ("k19,kettle,5,t,Caf\u00e9 cr\u00e8me kettle k19," + ts + "\n").getBytes(ISO_8859_1)));
    RECORDS.put("k20", "invalid_encoding");
    file("reviews", "stray-byte.csv", "ingested", concat(lines(HEADER), "k20,kettle,5,t,Stray ".getBytes(UTF_8), new byte[] {(byte) 0xC3, (byte) 0x28}, (" byte k20," + ts + "\n").getBytes(UTF_8)));
    // Line ends.
    RECORDS.put("k21", "document");
    RECORDS.put("k22", "document");
    file("reviews", "crlf.csv", "ingested", (HEADER + "\r\n" + csvRow("k21", "5", ok + " k21", ts) + "\r\n" + csvRow("k22", "4", "Another fine kettle k22", ts) + "\r\n").getBytes(UTF_8));
    RECORDS.put("k23", "document");
    file("reviews", "no-final-newline.csv", "ingested", (HEADER + "\n" + csvRow("k23", "5", ok + " k23", ts)).getBytes(UTF_8));
    // Quoting and columns.
    review("short-row.csv", "k24", "malformed_record", "5", ok + " k24", ts);
    file("reviews", "short-row.csv", "ingested", lines(HEADER, "k24,kettle,5"));
    RECORDS.put("k25", "malformed_record");
    file("reviews", "extra-columns.csv", "ingested", lines(HEADER, csvRow("k25", "5", ok + " k25", ts) + ",extra,columns"));
    review("wrong-type.csv", "k26", "malformed_record", "five", ok + " k26", ts);
    review("embedded-quotes.csv", "k27", "document", "5", "She said \"\"best kettle\"\", k27", ts);
    // Dates.
    review("year-one.csv", "k28", "implausible_timestamp", "5", ok + " k28", "0001-01-01");
    review("year-1500.csv", "k29", "implausible_timestamp", "5", ok + " k29", "1500-06-01T00:00:00Z");
    review("year-9999.csv", "k30", "implausible_timestamp", "5", ok + " k30", "9999-12-31");
    review("micros.csv", "k31", "document", "5", ok + " k31", "2026-10-01T10:00:00.123456Z");
    review("offset-no-colon.csv", "k32", "document", "5", ok + " k32", "2026-10-01T10:00:00+0000");
    review("feb-31.csv", "k33", "unparseable_timestamp", "5", ok + " k33", "2026-02-31");
    // Text and labels.
    review("encoded-script.csv", "k34", "document", "5", "Nice &lt;script&gt;alert(1)&lt;/script&gt; kettle k34", ts);
    news("label-padded.jsonl", "k35", "document", newsLine("k35", "Novex padded label k35", ts).replace("bullish", "\u00A0bullish\\t"));
    review("label-unknown.csv", "k36", "unknown_label", "6", ok + " k36", ts);
    review("too-long.csv", "k37", "text_too_long", "5", "k37 " + "long ".repeat(5000), ts);
    RECORDS.put("k38", "text_too_short");
    file("reviews", "too-short.csv", "ingested", lines(HEADER, csvRow("k38", "5", "ok", ts)));
    review("formula.csv", "k39", "document", "5", "=HYPERLINK(\"http://evil\";\"click\") k39", ts);
    review("duplicate.csv", "k40", "duplicate", "5", ok + " k01", "2026-10-02T10:00:00Z");
    review("controls.csv", "k41", "document", "5", "Zero\u200Bwidth and bell\u0007 k41", ts);
    // JSON shapes.
    news("good.jsonl", "k50", "document", newsLine("k50", "Novex beats estimates k50", ts));
    news("array.jsonl", "k51", "malformed_record", "[{\"id\":\"k51\"}]");
    news("two-objects.jsonl", "k52", "malformed_record", newsLine("k52", "first k52", ts) + newsLine("k52b", "second k52", ts));
    news("garbage-after.jsonl", "k53", "malformed_record", newsLine("k53", "Shares rose k53", ts) + " trailing garbage");
    news("body-number.jsonl", "k54", "malformed_record", "{\"id\":\"k54\",\"published_at\":\"" + ts + "\",\"body\":54}");
    news("body-object.jsonl", "k55", "malformed_record", "{\"id\":\"k55\",\"published_at\":\"" + ts + "\",\"body\":{\"text\":\"k55\"}}");
    news("body-array.jsonl", "k56", "malformed_record", "{\"id\":\"k56\",\"published_at\":\"" + ts + "\",\"body\":[\"k56\"]}");
    news("truncated.jsonl", "k57", "malformed_record", "{\"id\":\"k57\",\"published_at\":\"" + ts + "\",\"body\":\"cut k57");
    news("top-level-string.jsonl", "k58", "malformed_record", "\"k58 just a string\"");
    news("wrong-type.jsonl", "k59", "malformed_record", "{\"id\":\"k59\",\"published_at\":\"" + ts + "\",\"body\":\"Acorel k59\",\"word_count\":\"many\"}");
    news("no-timestamp.jsonl", "k60", "missing_timestamp", "{\"id\":\"k60\",\"body\":\"Finwick opens branches k60\"}");
    news("deep-nesting.jsonl", "k61", "malformed_record", "{\"id\":\"k61\",\"x\":" + "[".repeat(2000) + "]".repeat(2000) + ",\"body\":\"k61\"}");
    news("unicode-escapes.jsonl", "k62", "document", newsLine("k62", "Caf\\u00e9 chain Novex grows k62", ts));
    RECORDS.put("k63", "invalid_encoding");
    file("news", "invalid-utf8.jsonl", "ingested", concat(("{\"id\":\"k63\",\"published_at\":\"" + ts + "\",\"body\":\"Bad ").getBytes(UTF_8), new byte[] {(byte) 0xFF}, " byte k63\"}\n".getBytes(UTF_8)));
    RECORDS.put("k64", "document");
    RECORDS.put("k65", "document");
    file("news", "bom-blank-lines-crlf.jsonl", "ingested", concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF},
        (newsLine("k64", "Novex hires k64", ts) + "\r\n\r\n   \r\n" + newsLine("k65", "Acorel signs k65", ts) + "\r\n").getBytes(UTF_8)));
    RECORDS.put("k66", "document");
    file("news", "gz.jsonl.gz", "ingested", gzip(lines(newsLine("k66", "Novex ships k66", ts))));
    file("news", "utf16.jsonl", "failed", concat(new byte[] {(byte) 0xFF, (byte) 0xFE}, newsLine("k67", "x", ts).getBytes(UTF_16LE)));
    // Multi-line CSV: an unbalanced quote swallows the records after it.
    StringBuilder multi = new StringBuilder(HEADER + "\n");
    for (int i = 0; i < 50; i++) {
      multi.append(i == 3 ? "k70,kettle,5,t,\"Unbalanced quote k70," + ts : csvRow(i < 3 ? "k7" + (i + 1) : "k70x" + i, "5", "Multi line record " + i + (i < 3 ? " k7" + (i + 1) : " k70x" + i), ts)).append('\n');
    }
    RECORDS.put("k71", "document");
    RECORDS.put("k72", "document");
    RECORDS.put("k73", "document");
    RECORDS.put("k70", "malformed_record");
    file("multi", "unbalanced.csv", "ingested", multi.toString().getBytes(UTF_8));
    RECORDS.put("k74", "document");
    file("multi", "quoted-newlines.csv", "ingested", lines(HEADER, csvRow("k74", "5", "First line\nsecond line of k74", ts)));
    // A declared charset.
    RECORDS.put("k80", "document");
    file("latin", "latin1.csv", "ingested", (HEADER + "\n" + "k80,kettle,5,t,Caf\u00e9 cr\u00e8me k80," + ts + "\n").getBytes(ISO_8859_1));

    String conf = """
        include classpath("conf/local.conf")
        warehouse = "%1$s/warehouse"
        train.checkpoint-dir = "%1$s/checkpoints"
        sources = [
          { name = reviews, domain = review, format = csv, path = "%2$s/reviews/*"
            schema = "review_id STRING, product STRING, rating INT, title STRING, body STRING, created_at STRING"
            columns { id = review_id, text = body, title = title, label = rating, timestamp = created_at }
            labels { "1" = negative, "2" = negative, "3" = neutral, "4" = positive, "5" = positive }
            options { header = "true", escape = "\\"" } }
          { name = news, domain = news, format = jsonl, path = "%2$s/news/*"
            schema = "id STRING, published_at STRING, source STRING, headline STRING, body STRING, sentiment STRING, word_count INT"
            columns { id = id, text = body, title = headline, label = sentiment, timestamp = published_at }
            labels { bullish = positive } }
          { name = multi, domain = review, format = csv, path = "%2$s/multi/*.csv"
            schema = "review_id STRING, product STRING, rating INT, title STRING, body STRING, created_at STRING"
            columns { id = review_id, text = body, label = rating, timestamp = created_at }
            labels { "5" = positive }
            options { header = "true", escape = "\\"", multiLine = "true" } }
          { name = latin, domain = review, format = csv, path = "%2$s/latin/*.csv", charset = ISO-8859-1
            schema = "review_id STRING, product STRING, rating INT, title STRING, body STRING, created_at STRING"
            columns { id = review_id, text = body, label = rating, timestamp = created_at }
            labels { "5" = positive }
            options { header = "true" } }
        ]
        """.formatted(workDir, landing);
    Files.writeString(workDir.resolve("hostile.conf"), conf);
    ingest = InProcessCli.run(spark, args("ingest"));
    clean = InProcessCli.run(spark, args("clean"));
  }

  @Test
  @Order(1)
  void bothStagesSucceedDespiteEveryBadFileAndRecord() {
    assertThat(ingest.exitCode()).as(ingest.describe(args("ingest"))).isZero();
    assertThat(clean.exitCode()).as(clean.describe(args("clean"))).isZero();
    assertThat(RECORDS.size() + FILES.size()).as("kinds of bad input, at least 40").isGreaterThanOrEqualTo(60);
  }

  @Test
  @Order(2)
  void everyMatchedFileIsInTheLedgerWithItsStatus() {
    Map<String, String> ledger = new TreeMap<>();
    for (Row row : spark.sql("select path, status, reason from bronze.ingest_files").collectAsList()) {
      String name = row.getString(0).substring(row.getString(0).lastIndexOf('/') + 1);
      ledger.put(name, row.getString(1));
      if (!row.getString(1).equals("ingested")) {
        assertThat(row.getString(2)).as("a reason for " + name).isNotBlank();
      }
    }
    assertThat(ledger).containsExactlyInAnyOrderEntriesOf(FILES);
    assertThat(ledgerReason("utf16le.csv")).contains("UTF-16LE");
    assertThat(ledgerReason("utf16be.csv")).contains("UTF-16BE");
    assertThat(ledgerReason("utf16-no-bom.csv")).contains("UTF-16LE");
    assertThat(ledgerReason("utf16.jsonl")).contains("UTF-16");
    assertThat(ledgerReason("gz-truncated.csv.gz")).containsIgnoringCase("end of").contains("sources.reviews.format");
    assertThat(ledgerReason("link-to-secret.csv")).contains("symbolic link", "follow-symlinks");
    assertThat(ledgerReason("_hidden.csv")).contains("hidden");
    assertThat(ledgerReason("subdir.csv")).contains("directory");
    assertThat(ingest.out()).contains("failed", "gz-truncated.csv.gz", "skipped");
  }

  private static String ledgerReason(String fileName) {
    for (Row row : spark.sql("select path, reason from bronze.ingest_files").collectAsList()) {
      if (row.getString(0).endsWith("/" + fileName)) {
        return row.getString(1);
      }
    }
    throw new AssertionError("no ledger row for " + fileName);
  }

  @Test
  @Order(3)
  void everyRecordEndsWhereItsKindSays() {
    Map<String, String> actual = new TreeMap<>();
    for (Row row : spark.sql("select concat_ws(' ', title, text) from silver.documents").collectAsList()) {
      markers(row.getString(0)).forEach(marker -> actual.put(marker, "document"));
    }
    for (Row row : spark.sql("select raw_record, reason from silver.quarantine").collectAsList()) {
      markers(row.getString(0)).forEach(marker -> actual.merge(marker, row.getString(1), (a, b) -> a + "+" + b));
    }
    Map<String, String> expected = new TreeMap<>();
    RECORDS.forEach((marker, where) -> {
      if (!where.equals("duplicate")) {
        expected.put(marker, where);
      }
    });
    assertThat(actual).containsAllEntriesOf(expected);
    assertThat(actual).doesNotContainKeys("k08", "k09", "k10", "k11", "k15", "k16", "k17", "k40");
    assertThat(spark.sql("select count(*) from bronze.reviews_raw where raw_record like '%root:x:0%'").first().getLong(0))
        .as("the symlinked secret never reaches bronze").isZero();
  }

  private static List<String> markers(String text) {
    List<String> found = new ArrayList<>();
    java.util.regex.Matcher matcher = java.util.regex.Pattern.compile("\\bk(\\d\\d)\\b").matcher(text == null ? "" : text);
    while (matcher.find()) {
      if (!found.contains("k" + matcher.group(1))) {
        found.add("k" + matcher.group(1));
      }
    }
    return found;
  }

  @Test
  @Order(4)
  void cleanedTextIsSafeAndTheSwallowedRecordsAreKeptInQuarantine() {
    Row script = spark.sql("select text from silver.documents where record_id = 'k34'").first();
    assertThat(script.getString(0)).doesNotContain("<", ">").isEqualTo("Nice kettle k34");
    assertThat(spark.sql("select label from silver.documents where record_id = 'k35'").first().getString(0)).isEqualTo("positive");
    assertThat(spark.sql("select text from silver.documents where record_id = 'k80'").first().getString(0)).isEqualTo("Café crème k80");
    Row swallowed = spark.sql("select raw_record, detail from silver.quarantine where raw_record like '%Unbalanced quote k70%'").first();
    assertThat(swallowed.getString(0)).as("all 46 swallowed records are in the raw record").contains("k70x49");
    assertThat(swallowed.getString(1)).contains("unbalanced quote");
    assertThat(spark.sql("select detail from silver.quarantine where raw_record like '%k19%'").first().getString(0))
        .contains("not valid UTF-8 at column 'body' at byte 3 (", "sources.reviews.charset");
    assertThat(spark.sql("select detail from silver.quarantine where raw_record like '%k53%'").first().getString(0))
        .contains("not valid JSON");
    assertThat(spark.sql("select detail from silver.quarantine where raw_record like '%k55%'").first().getString(0))
        .isEqualTo("field 'body' holds a JSON object, not a string");
  }

  @Test
  @Order(5)
  void theAccountingBalancesPerFile() {
    assertThat(clean.out()).contains("read ").doesNotContain("does not balance");
    long read = spark.sql("select sum(rows_read) from bronze.ingest_files").first().getLong(0);
    long bronze = spark.sql("select (select count(*) from bronze.reviews_raw) + (select count(*) from bronze.news_raw)"
        + " + (select count(*) from bronze.multi_raw) + (select count(*) from bronze.latin_raw)").first().getLong(0);
    assertThat(read).as("the ledger counts every bronze row").isEqualTo(bronze);
    long documents = spark.sql("select count(*) from silver.documents").first().getLong(0);
    long quarantined = spark.sql("select count(*) from silver.quarantine").first().getLong(0);
    assertThat(documents + quarantined + 1).as("one duplicate (k40)").isEqualTo(bronze);
  }

  @Test
  @Order(6)
  void aRerunAddsNothing() {
    long bronzeBefore = spark.sql("select count(*) from bronze.reviews_raw").first().getLong(0);
    long ledgerBefore = spark.sql("select count(*) from bronze.ingest_files").first().getLong(0);
    InProcessCli.Outcome again = InProcessCli.run(spark, args("ingest"));
    assertThat(again.exitCode()).as(again.describe(args("ingest"))).isZero();
    assertThat(spark.sql("select count(*) from bronze.reviews_raw").first().getLong(0)).isEqualTo(bronzeBefore);
    assertThat(spark.sql("select count(*) from bronze.ingest_files").first().getLong(0))
        .as("a failed file is not read again until it changes").isEqualTo(ledgerBefore);
    InProcessCli.Outcome cleanAgain = InProcessCli.run(spark, args("clean"));
    assertThat(cleanAgain.exitCode()).isZero();
    assertThat(cleanAgain.out()).contains("kept 0 ");
  }

  @Test
  @Order(7)
  void csvOutputNeutralisesFormulas() {
    InProcessCli.Outcome sql = InProcessCli.run(spark, List.of(
        "sql", "--conf", workDir.resolve("hostile.conf").toString(), "--format", "csv",
        "select text from silver.documents where record_id = 'k39'"));
    assertThat(sql.exitCode()).as(sql.describe(List.of("sql"))).isZero();
    assertThat(sql.out()).contains("'=HYPERLINK");
  }
}
