package io.sentimentpipeline.jobs.alerts;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.sentimentpipeline.jobs.SparkTestBase;
import io.sentimentpipeline.jobs.cli.PipelineConfig;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** The rules on constructed daily series, and the document-level steps on a handful of rows. */
class AlertsTransformsTest extends SparkTestBase {

  private static final LocalDate START = LocalDate.of(2026, 9, 1);
  /** The embedded default: min-documents 5, a 30-day baseline of which 10 days needed, z 3.5. */
  private static final AlertsConfig CONFIG =
      io.sentimentpipeline.jobs.cli.PipelineConfig.load(null, List.of("alerts.robust-z.mad-floor=0.05")).alerts();

  private static final StructType DAILY =
      new StructType()
          .add("domain", DataTypes.StringType)
          .add("entity", DataTypes.StringType)
          .add("event_date", DataTypes.DateType)
          .add("model_version", DataTypes.IntegerType)
          .add("documents", DataTypes.LongType)
          .add("stories", DataTypes.LongType)
          .add("negative_stories", DataTypes.LongType)
          .add("mean_score", DataTypes.DoubleType)
          .add("negative_share", DataTypes.DoubleType)
          .add("positive_share", DataTypes.DoubleType)
          .add("mean_confidence", DataTypes.DoubleType);

  private static final StructType DOCUMENTS =
      new StructType()
          .add("doc_id", DataTypes.StringType)
          .add("domain", DataTypes.StringType)
          .add("source", DataTypes.StringType)
          .add("event_date", DataTypes.DateType)
          .add("entities", DataTypes.createArrayType(DataTypes.StringType))
          .add("label", DataTypes.StringType)
          .add("score", DataTypes.DoubleType)
          .add("confidence", DataTypes.DoubleType)
          .add("model_version", DataTypes.IntegerType)
          .add("title", DataTypes.StringType)
          .add("text", DataTypes.StringType);

  /** One entity-day: documents, negative share, mean score. */
  private record Day(int offset, long documents, double negativeShare, double meanScore) {}

  private static Row dailyRow(String entity, Day d) {
    return RowFactory.create(
        "news", entity, Date.valueOf(START.plusDays(d.offset())), 1, d.documents(), d.documents(),
        Math.round(d.documents() * d.negativeShare()), d.meanScore(),
        d.negativeShare(), 1 - d.negativeShare(), 0.9);
  }

  /** Days 0..n-1 of noisy but stable sentiment (seeded), 10 documents a day. */
  private static List<Day> quiet(int n, long seed) {
    Random random = new Random(seed);
    List<Day> days = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      days.add(new Day(i, 10, 0.2 + (random.nextDouble() - 0.5) * 0.1, 0.3 + (random.nextDouble() - 0.5) * 0.1));
    }
    return days;
  }

  private static Dataset<Row> rules(String entity, List<Day> days) {
    List<Row> rows = days.stream().map(d -> dailyRow(entity, d)).toList();
    return rules(rows, CONFIG);
  }

  /** Every rule; each entity first seen on its first row (as when nothing older exists). */
  private static Dataset<Row> rules(List<Row> rows, AlertsConfig config) {
    Dataset<Row> daily = spark.createDataFrame(rows, DAILY);
    Dataset<Row> firstSeen = daily.groupBy("domain", "entity").agg(org.apache.spark.sql.functions.min("event_date").as("first_seen"));
    return AlertsTransforms.withRules(daily, firstSeen, config);
  }

  private static List<Integer> firedDays(Dataset<Row> rules, String flag) {
    return rules.where(col(flag)).select("event_date").orderBy("event_date").collectAsList().stream()
        .map(r -> (int) (r.getDate(0).toLocalDate().toEpochDay() - START.toEpochDay()))
        .toList();
  }

  private static Row day(Dataset<Row> rules, int offset) {
    return rules.where(col("event_date").equalTo(Date.valueOf(START.plusDays(offset)))).first();
  }

  @Test
  void aQuietEntityNeverFires() {
    Dataset<Row> rules = rules("QUIET", quiet(90, 7));
    assertThat(firedDays(rules, "robust_z_fired")).as("robust z on noise").isEmpty();
    assertThat(firedDays(rules, "ewma_fired")).as("EWMA on noise").isEmpty();
    assertThat(AlertsTransforms.alerts(rules, CONFIG).count()).isZero();
  }

  @Test
  void aSurgeDayFiresCriticalWithItsStatistics() {
    List<Day> days = new ArrayList<>(quiet(40, 11));
    days.add(new Day(40, 20, 0.8, -0.5));
    days.addAll(quiet(45, 12).subList(41, 45));
    Dataset<Row> rules = rules("SURGE", days);

    assertThat(firedDays(rules, "robust_z_fired")).containsExactly(40);
    Row surge = day(rules, 40);
    assertThat(surge.<Integer>getAs("baseline_days")).as("30 calendar days before, all with data").isEqualTo(30);
    assertThat(surge.<Double>getAs("negative_share_median")).isCloseTo(0.2, within(0.03));
    assertThat(surge.<Double>getAs("negative_share_z")).isGreaterThan(CONFIG.robustZ().critical());

    Row alert = AlertsTransforms.alerts(rules, CONFIG).where(col("rule").equalTo(AlertsTransforms.ROBUST_Z)).first();
    assertThat(alert.<String>getAs("severity")).isEqualTo(AlertsTransforms.CRITICAL);
    assertThat(alert.<Double>getAs("observed")).isEqualTo(0.8);
    assertThat(alert.<Long>getAs("documents")).isEqualTo(20L);
    assertThat(alert.<String>getAs("alert_id")).hasSize(64);
  }

  @Test
  void theVolumeFloorSuppressesASurgeOnALowVolumeDay() {
    List<Day> days = new ArrayList<>(quiet(40, 11));
    days.add(new Day(40, CONFIG.minDocuments() - 1, 1.0, -0.9));
    Dataset<Row> rules = rules("THIN", days);
    assertThat(day(rules, 40).<Double>getAs("negative_share_z")).as("the statistic still says surge").isGreaterThan(3.5);
    assertThat(firedDays(rules, "robust_z_fired")).isEmpty();
    assertThat(firedDays(rules, "ewma_fired")).isEmpty();
  }

  @Test
  void tooLittleHistoryGivesNoAlert() {
    List<Day> days = new ArrayList<>(quiet(5, 3));
    days.add(new Day(5, 20, 0.9, -0.8));
    // Old history outside the 30-day window does not count either.
    days.addAll(0, List.of(new Day(-60, 10, 0.2, 0.3), new Day(-50, 10, 0.2, 0.3)));
    Dataset<Row> rules = rules("NEW", days.stream().map(d -> new Day(d.offset() + 60, d.documents(), d.negativeShare(), d.meanScore())).toList());
    assertThat(day(rules, 65).<Integer>getAs("baseline_days")).isEqualTo(5);
    assertThat(firedDays(rules, "robust_z_fired")).isEmpty();
    assertThat(AlertsTransforms.alerts(rules, CONFIG).where(col("rule").isin(AlertsTransforms.ROBUST_Z, AlertsTransforms.EWMA,
        AlertsTransforms.CUSUM)).count()).isZero();
    // The volume rules count the silent days since the entity was first seen (day 0) as zeros: 30
    // days of history for them, over which 10-20 documents a day is a surge (with a score below
    // the median on days 63 and 65).
    assertThat(day(rules, 65).<Integer>getAs("calendar_baseline_days")).isEqualTo(30);
    assertThat(firedDays(rules, "volume_negative_fired")).contains(65).allMatch(d -> d >= 60);
  }

  @Test
  void aNewEntityNeedsCalendarHistoryBeforeTheVolumeRulesFire() {
    List<Day> days = new ArrayList<>(quiet(5, 3));
    days.add(new Day(5, 20, 0.9, -0.8));
    Dataset<Row> rules = rules("FRESH", days);
    Row spike = day(rules, 5);
    assertThat(spike.<Integer>getAs("calendar_baseline_days")).isEqualTo(5);
    assertThat(spike.<Double>getAs("documents_z")).as("the statistic says surge").isGreaterThan(CONFIG.volumeNegative().critical());
    assertThat(AlertsTransforms.alerts(rules, CONFIG).count()).isZero();
  }

  @Test
  void theVolumeRulesZeroFillDaysWithoutDocumentsAndTheMadFloorHandlesAFlatZeroBaseline() {
    List<Day> days = new ArrayList<>();
    for (int i = 0; i < 60; i += 7) { // one neutral tweet a week
      days.add(new Day(i, 1, 0.0, 0.1));
    }
    days.add(new Day(61, 8, 0.75, -0.6)); // 8 documents, 6 of them negative
    Dataset<Row> rules = rules("SPARSE", days);
    Row spike = day(rules, 61);
    assertThat(spike.<Integer>getAs("baseline_days")).as("days with documents: 35, 42, 49, 56").isEqualTo(4);
    assertThat(spike.<Integer>getAs("calendar_baseline_days")).isEqualTo(30);
    assertThat(spike.<Double>getAs("documents_median")).isZero();
    assertThat(spike.<Double>getAs("negative_stories_median")).isZero();
    assertThat(spike.<Double>getAs("negative_stories_z")).as("6 stories over zeros, MAD floor 1").isCloseTo(6.0, within(1e-9));
    assertThat(spike.<Double>getAs("documents_z")).isCloseTo(8.0, within(1e-9));
    assertThat(firedDays(rules, "negative_surge_fired")).containsExactly(61);
    assertThat(firedDays(rules, "volume_negative_fired")).containsExactly(61);
    assertThat(firedDays(rules, "robust_z_fired")).as("5 days with documents < 10").isEmpty();

    Dataset<Row> alerts = AlertsTransforms.alerts(rules, CONFIG);
    Row negative = alerts.where(col("rule").equalTo(AlertsTransforms.NEGATIVE_SURGE)).first();
    assertThat(negative.<String>getAs("metric")).isEqualTo("negative_stories");
    assertThat(negative.<Double>getAs("observed")).isEqualTo(6.0);
    assertThat(negative.<Double>getAs("z")).isCloseTo(6.0, within(1e-9));
    assertThat(negative.<String>getAs("severity")).isEqualTo(AlertsTransforms.CRITICAL);
    assertThat(negative.<Double>getAs("threshold")).isEqualTo(CONFIG.negativeSurge().threshold());
  }

  @Test
  void aVolumeSurgeFiresVolumeNegativeOnlyWhenTheScoreIsBelowBaseline() {
    List<Day> days = new ArrayList<>();
    for (int i = 0; i < 40; i++) { // a flat baseline: MAD 0, so the floor (1 document) is the scale
      days.add(new Day(i, 10, 0.2, 0.3));
    }
    days.add(new Day(40, 13, 0.2, 0.2)); // z = 3 < 3.5
    days.add(new Day(41, 15, 0.2, 0.2)); // z = 5, score below the median 0.3
    days.add(new Day(42, 15, 0.2, 0.5)); // z = 5, but the score is above it: good news or chatter
    Dataset<Row> rules = rules("BUSY", days);
    assertThat(day(rules, 40).<Double>getAs("documents_z")).isCloseTo(3.0, within(1e-9));
    assertThat(day(rules, 42).<Double>getAs("documents_z")).isCloseTo(5.0, within(1e-9));
    assertThat(firedDays(rules, "volume_negative_fired")).containsExactly(41);
    Row alert = AlertsTransforms.alerts(rules, CONFIG).where(col("rule").equalTo(AlertsTransforms.VOLUME_NEGATIVE)).first();
    assertThat(alert.<Double>getAs("observed")).isEqualTo(15.0);
    assertThat(alert.<Double>getAs("baseline")).isEqualTo(10.0);
    assertThat(alert.<String>getAs("severity")).isEqualTo(AlertsTransforms.WARNING);
  }

  @Test
  void aSwitchedOffRuleKeepsItsStatisticsButNeverFires() {
    AlertsConfig off =
        PipelineConfig.load(null, List.of("alerts.robust-z.mad-floor=0.05", "alerts.negative-surge.enabled=false",
            "alerts.volume-negative.enabled=false", "alerts.cusum.enabled=false")).alerts();
    List<Day> days = new ArrayList<>(quiet(40, 11));
    days.add(new Day(40, 40, 0.9, -0.8));
    List<Row> rows = days.stream().map(d -> dailyRow("OFF", d)).toList();
    Dataset<Row> on = rules(rows, CONFIG);
    Dataset<Row> quietRules = rules(rows, off);
    assertThat(firedDays(on, "negative_surge_fired")).containsExactly(40);
    assertThat(day(quietRules, 40).<Double>getAs("negative_stories_z")).isEqualTo(day(on, 40).<Double>getAs("negative_stories_z"));
    assertThat(AlertsTransforms.alerts(quietRules, off).select("rule").distinct().collectAsList().stream().map(r -> r.getString(0)))
        .containsExactlyInAnyOrder(AlertsTransforms.ROBUST_Z, AlertsTransforms.EWMA);
    assertThat(AlertsTransforms.alerts(on, CONFIG).select("rule").distinct().count()).as("all five when on").isEqualTo(5);
  }

  @Test
  void aSlowSlideAccumulatesInTheCusumAndRestartsAfterItFires() {
    List<Day> days = new ArrayList<>(quiet(40, 5));
    for (int i = 1; i <= 20; i++) {
      if (i % 3 != 0) { // every third day has no documents: S waits for the next observation
        days.add(new Day(39 + i, 10, 0.2, 0.3 - 0.012 * i));
      }
    }
    Dataset<Row> rules = rules("SLIDE", days);
    List<Integer> fired = firedDays(rules, "cusum_fired");
    assertThat(fired).as("fires within the slide, not before").isNotEmpty().allMatch(d -> d >= 43);
    int first = fired.get(0);
    Row alarm = day(rules, first);
    assertThat(alarm.<Double>getAs("mean_score_cusum")).isGreaterThanOrEqualTo(CONFIG.cusum().h());
    assertThat(alarm.<Double>getAs("mean_score_z")).as("no single day is dramatic").isGreaterThan(-CONFIG.cusum().h());
    assertThat(firedDays(rules, "robust_z_fired")).isEmpty();
    // The next day with documents starts from 0 after the alarm.
    Row next = rules.where(col("event_date").gt(Date.valueOf(START.plusDays(first)))).orderBy("event_date").first();
    double k = CONFIG.cusum().k();
    assertThat(next.<Double>getAs("mean_score_cusum")).isCloseTo(Math.max(0, -next.<Double>getAs("mean_score_z") - k), within(1e-9));
    Row alert = AlertsTransforms.alerts(rules, CONFIG).where(col("rule").equalTo(AlertsTransforms.CUSUM)).orderBy("event_date").first();
    assertThat(alert.<Double>getAs("z")).isEqualTo(alarm.<Double>getAs("mean_score_cusum"));
    assertThat(alert.<Double>getAs("threshold")).isEqualTo(CONFIG.cusum().h());
  }

  @Test
  void aSingleBadDayIsNotASlide() {
    List<Day> days = new ArrayList<>(quiet(40, 5));
    days.add(new Day(40, 10, 0.2, 0.3 - 0.2)); // z about -4: S = 3.5 < h = 5
    days.addAll(quiet(50, 6).subList(41, 50));
    Dataset<Row> rules = rules("BLIP", days);
    assertThat(day(rules, 40).<Double>getAs("mean_score_cusum")).isBetween(2.0, CONFIG.cusum().h());
    assertThat(firedDays(rules, "cusum_fired")).isEmpty();
  }

  @Test
  void theMadFloorKeepsAFlatBaselineFromDividingByZero() {
    List<Day> days = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      days.add(new Day(i, 10, 0.2, 0.3));
    }
    days.add(new Day(20, 10, 0.3, 0.3)); // +0.1 over a flat baseline: z = 0.1 / floor 0.05 = 2
    days.add(new Day(21, 10, 0.6, 0.3)); // +0.4: z = 8
    Dataset<Row> rules = rules("FLAT", days);
    assertThat(day(rules, 20).<Double>getAs("negative_share_mad")).isZero();
    assertThat(day(rules, 20).<Double>getAs("negative_share_z")).isCloseTo(2.0, within(1e-9));
    assertThat(day(rules, 21).<Double>getAs("negative_share_z")).as("median 0.2, MAD 0").isCloseTo(8.0, within(1e-9));
    assertThat(firedDays(rules, "robust_z_fired")).containsExactly(21);
  }

  @Test
  void aSlowFallOfTheMeanScoreFiresTheEwmaRuleOnly() {
    List<Day> days = new ArrayList<>(quiet(40, 5));
    for (int i = 1; i <= 12; i++) { // the score sinks 0.03 a day; the negative share barely moves
      days.add(new Day(39 + i, 10, 0.2, 0.3 - 0.03 * i));
    }
    Dataset<Row> rules = rules("DRIFT", days);
    List<Integer> fired = firedDays(rules, "ewma_fired");
    assertThat(fired).as("fires within the drift, not before").isNotEmpty().allMatch(d -> d >= 41);
    assertThat(fired.get(0)).as("within a week of the start").isLessThanOrEqualTo(46);
    assertThat(firedDays(rules, "robust_z_fired")).isEmpty();
    Row first = day(rules, fired.get(0));
    assertThat(first.<Double>getAs("mean_score_ewma")).isLessThan(first.<Double>getAs("mean_score_median"));
    Row alert = AlertsTransforms.alerts(rules, CONFIG).where(col("rule").equalTo(AlertsTransforms.EWMA)).orderBy("event_date").first();
    assertThat(alert.<Double>getAs("z")).isLessThanOrEqualTo(-CONFIG.ewma().limit());
    assertThat(alert.<String>getAs("metric")).isEqualTo("mean_score");
  }

  @Test
  void medianOfOddEvenAndEmptyArrays() {
    Row row =
        spark.sql("select array(3D, 1D, 2D) as odd, array(4D, 1D, 3D, 2D) as even, cast(array() as array<double>) as none")
            .select(AlertsTransforms.median("odd"), AlertsTransforms.median("even"), AlertsTransforms.median("none"))
            .first();
    assertThat(row.getDouble(0)).isEqualTo(2.0);
    assertThat(row.getDouble(1)).isEqualTo(2.5);
    assertThat(row.isNullAt(2)).isTrue();
  }

  private static Row doc(String id, String source, List<String> entities, String label, double score, String title, String text) {
    return RowFactory.create(
        id, entities.isEmpty() ? "review" : "news", source, Date.valueOf("2026-11-20"),
        scala.collection.JavaConverters.asScalaBuffer(entities).toSeq(), label, score, 0.8, 1, title, text);
  }

  @Test
  void documentsCountPerTickerReviewsPerSourceAndNearDuplicatesCollapse() {
    List<Row> docs =
        List.of(
            doc("a", "wire", List.of("ACM"), "negative", -0.9, "Acme shares fall 5%", "Acme cut its outlook."),
            doc("b", "blog", List.of("ACM"), "negative", -0.7, "ACME SHARES FALL 5 %!", "Acme  cut its outlook... outlook"),
            doc("c", "wire", List.of("ACM", "BOLT"), "positive", 0.6, "Acme and Bolt sign deal", "A new deal."),
            doc("d", "wire", List.of(), "neutral", 0.0, "Markets flat", "No tickers here."),
            doc("e", "shop", List.of(), "positive", 0.8, null, "Great kettle."));
    Dataset<Row> byEntity = AlertsTransforms.byEntity(spark.createDataFrame(docs, DOCUMENTS).withColumn("domain",
        org.apache.spark.sql.functions.when(col("doc_id").equalTo("d"), "news").otherwise(col("domain"))));
    assertThat(byEntity.select("doc_id", "entity").collectAsList())
        .extracting(r -> r.getString(0) + ":" + r.getString(1))
        .as("news without tickers is dropped; a review counts for its source")
        .containsExactlyInAnyOrder("a:ACM", "b:ACM", "c:ACM", "c:BOLT", "e:shop");

    Row acme = AlertsTransforms.daily(byEntity).where(col("entity").equalTo("ACM")).first();
    assertThat(acme.<Long>getAs("documents")).isEqualTo(3L);
    assertThat(acme.<Long>getAs("stories")).as("a and b are the same story").isEqualTo(2L);
    assertThat(acme.<Double>getAs("negative_share")).isCloseTo(2.0 / 3, within(1e-9));
    assertThat(acme.<Double>getAs("positive_share")).isCloseTo(1.0 / 3, within(1e-9));
    assertThat(acme.<Double>getAs("mean_score")).isCloseTo((-0.9 - 0.7 + 0.6) / 3, within(1e-9));
    assertThat(acme.<Integer>getAs("model_version")).isEqualTo(1);
  }

  @Test
  void topDocumentsAreTheMostNegativeInOrderWithTextCut() {
    List<Row> docs = new ArrayList<>();
    double[] scores = {0.5, -0.2, -0.9, 0.1, -0.6, -0.95, 0.3};
    for (int i = 0; i < scores.length; i++) {
      docs.add(doc("d" + i, "wire", List.of("ACM"), scores[i] < 0 ? "negative" : "positive", scores[i], "t" + i, "x".repeat(500)));
    }
    docs.add(doc("other", "wire", List.of("BOLT"), "negative", -1.0, "bolt", "not this entity"));
    Dataset<Row> byEntity = AlertsTransforms.byEntity(spark.createDataFrame(docs, DOCUMENTS));
    Dataset<Row> alert =
        spark.sql("select 'news' as domain, 'ACM' as entity, date'2026-11-20' as event_date, 'robust_z' as rule");

    Row row = AlertsTransforms.withTopDocuments(alert, byEntity, 3, 40).first();
    List<Row> top = row.getList(row.fieldIndex("top_documents"));
    assertThat(top).extracting(d -> d.<String>getAs("doc_id")).containsExactly("d5", "d2", "d4");
    assertThat(top).extracting(d -> d.<Double>getAs("score")).containsExactly(-0.95, -0.9, -0.6);
    assertThat(top.get(0).<String>getAs("title")).isEqualTo("t5");
    assertThat(top.get(0).<String>getAs("text")).hasSize(40);
  }
}
