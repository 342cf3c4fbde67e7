"""Writes analyst.ipynb and model.ipynb (nbformat 4) from the cells below; standard library only.

Edit the cells here and rerun `python3 notebooks/make_notebooks.py`. SQL lives in spark.sql(\"\"\"...\"\"\")
calls with fully qualified table names: NotebookQueriesTest runs each one through `pipeline sql`.
"""

import json
import os

SETUP = '''# Run on your own Spark 3.5 with Delta:  pip install pyspark==3.5.4 delta-spark==3.3.2 pandas matplotlib
import os
from pyspark.sql import SparkSession
from delta import configure_spark_with_delta_pip
from delta.tables import DeltaTable

# The pipeline's warehouse: a folder, hdfs:// or s3a:// URI holding <layer>/<table> Delta folders.
WAREHOUSE = os.environ.get("SENTIMENT_WAREHOUSE", "warehouse")
if "://" not in WAREHOUSE:
    WAREHOUSE = os.path.abspath(WAREHOUSE)

builder = (
    SparkSession.builder.appName("%s")
    .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
    .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
    .config("spark.sql.session.timeZone", "UTC")
)
spark = configure_spark_with_delta_pip(builder).getOrCreate()

# Register the tables by path under the names the pipeline uses (what every pipeline command does).
TABLES = ["silver.documents", "gold.sentiment_scores", "gold.entity_daily_sentiment",
          "gold.sentiment_alerts", "ml.models", "ml.training_runs"]
for name in TABLES:
    layer, table = name.split(".")
    location = f"{WAREHOUSE}/{layer}/{table}"
    if DeltaTable.isDeltaTable(spark, location):
        spark.sql(f"CREATE DATABASE IF NOT EXISTS {layer}")
        spark.sql(f"CREATE TABLE IF NOT EXISTS {name} USING delta LOCATION '{location}'")
    else:
        print(f"missing: {name} (no Delta table at {location})")'''


def md(text):
    return {"cell_type": "markdown", "metadata": {}, "source": text.strip("\n").splitlines(keepends=True)}


def code(text):
    return {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
            "source": text.strip("\n").splitlines(keepends=True)}


def notebook(cells):
    return {
        "nbformat": 4,
        "nbformat_minor": 5,
        "metadata": {
            "kernelspec": {"display_name": "Python 3 (PySpark)", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        },
        "cells": [dict(cell, id="cell-%d" % i) for i, cell in enumerate(cells)],
    }


ANALYST = [
    md("""
# Sentiment trends and alerts (analyst)

Daily sentiment per company from `gold.entity_daily_sentiment`, with the days `gold.sentiment_alerts`
flagged, and a drill-down into the documents that drove an alert. Set `SENTIMENT_WAREHOUSE` (or edit
`WAREHOUSE` below) to the pipeline's warehouse.
"""),
    code(SETUP % "sentiment-analyst"),
    md("## Daily sentiment per company, alert days marked"),
    code('''trend = spark.sql("""
SELECT d.entity, d.event_date, d.documents, d.mean_score, d.negative_share,
       a.worst_severity
FROM gold.entity_daily_sentiment d
LEFT JOIN (
  SELECT domain, entity, event_date,
         CASE WHEN max(CASE WHEN severity = 'critical' THEN 2 ELSE 1 END) = 2 THEN 'critical' ELSE 'warning' END
           AS worst_severity
  FROM gold.sentiment_alerts
  GROUP BY domain, entity, event_date
) a ON a.domain = d.domain AND a.entity = d.entity AND a.event_date = d.event_date
WHERE d.domain = 'news'
ORDER BY d.entity, d.event_date
""").toPandas()
trend.head()'''),
    code('''import matplotlib.pyplot as plt

top = trend.groupby("entity")["documents"].sum().nlargest(6).index
fig, axes = plt.subplots(len(top), 1, figsize=(12, 2.4 * len(top)), sharex=True, squeeze=False)
for ax, entity in zip(axes[:, 0], top):
    rows = trend[trend.entity == entity]
    ax.plot(rows.event_date, rows.mean_score, lw=1, label="mean score")
    for severity, color in (("warning", "orange"), ("critical", "red")):
        hits = rows[rows.worst_severity == severity]
        ax.scatter(hits.event_date, hits.mean_score, color=color, zorder=3, label=severity)
    ax.axhline(0, color="grey", lw=0.5)
    ax.set_ylim(-1, 1)
    ax.set_ylabel(entity)
axes[0, 0].legend(loc="lower left")
plt.tight_layout()'''),
    md("## Alerts, most recent first"),
    code('''alerts = spark.sql("""
SELECT alert_id, event_date, entity, rule, severity, round(observed, 3) AS observed,
       round(baseline, 3) AS baseline, round(z, 2) AS z, documents, stories, model_version
FROM gold.sentiment_alerts
ORDER BY event_date DESC, abs(z) DESC
""").toPandas()
alerts.head(20)'''),
    md("""
## Drill-down: the documents behind an alert

The queries below take the most recent, strongest alert. To look at another one, replace the
`ORDER BY ... LIMIT 1` in `chosen` with `WHERE alert_id = '<an alert_id from the table above>'`.
"""),
    code('''drivers = spark.sql("""
WITH chosen AS (
  SELECT * FROM gold.sentiment_alerts ORDER BY event_date DESC, abs(z) DESC LIMIT 1
),
top AS (
  SELECT domain, entity, event_date, rule, model_version, posexplode(top_documents) AS (rank, doc)
  FROM chosen
)
SELECT t.entity, t.event_date, t.rule, t.rank + 1 AS rank, t.doc.doc_id AS doc_id, t.doc.title AS title,
       round(s.score, 3) AS score, s.label, round(s.confidence, 3) AS confidence, d.source,
       substring(d.text, 1, 400) AS text
FROM top t
JOIN gold.sentiment_scores s ON s.doc_id = t.doc.doc_id AND s.model_version = t.model_version
JOIN silver.documents d ON d.doc_id = t.doc.doc_id
ORDER BY rank
""").toPandas()
drivers'''),
    code('''day_mix = spark.sql("""
WITH chosen AS (
  SELECT * FROM gold.sentiment_alerts ORDER BY event_date DESC, abs(z) DESC LIMIT 1
)
SELECT c.entity, c.event_date, s.label, count(*) AS documents, round(avg(s.score), 3) AS mean_score
FROM chosen c
JOIN gold.sentiment_scores s
  ON s.domain = c.domain AND s.event_date = c.event_date AND s.model_version = c.model_version
 AND (array_contains(s.entities, c.entity) OR (s.domain = 'review' AND s.source = c.entity))
GROUP BY c.entity, c.event_date, s.label
ORDER BY s.label
""").toPandas()
day_mix'''),
]

MODEL = [
    md("""
# Model evaluation report

Registry figures from `ml.models` and `ml.training_runs`, then the scores in `gold.sentiment_scores`
against the labelled documents of `silver.documents`: confusion matrix, calibration of `confidence`,
and the score distribution per source. The registry's `test_*` figures are on held-out documents; the
comparisons against labels below cover every labelled document the model scored, training documents
included, so they read optimistic for a fine-tuned model.
"""),
    code(SETUP % "sentiment-model"),
    md("## Registry: every version against the baseline and the champion before it"),
    code('''models = spark.sql("""
SELECT model_name, version, domain, status, base_encoder,
       round(val_macro_f1, 4) AS val_macro_f1, round(test_macro_f1, 4) AS test_macro_f1,
       round(test_accuracy, 4) AS test_accuracy, round(baseline_test_macro_f1, 4) AS baseline_test_macro_f1,
       round(champion_val_macro_f1_before, 4) AS champion_before, decision, created_at
FROM ml.models
ORDER BY model_name, version
""").toPandas()
models'''),
    md("## Training curves"),
    code('''epochs = spark.sql("""
SELECT model_name, version, e.epoch, e.step, e.train_loss, e.val_loss, e.val_macro_f1, e.samples_per_s, e.seconds
FROM (SELECT model_name, version, explode(epochs) AS e FROM ml.training_runs)
ORDER BY model_name, version, e.epoch
""").toPandas()

import matplotlib.pyplot as plt
fig, (loss_ax, f1_ax) = plt.subplots(1, 2, figsize=(12, 4))
for (name, version), rows in epochs.groupby(["model_name", "version"]):
    loss_ax.plot(rows.epoch, rows.val_loss, marker="o", label=f"{name} v{version}")
    f1_ax.plot(rows.epoch, rows.val_macro_f1, marker="o", label=f"{name} v{version}")
loss_ax.set_title("validation loss"); f1_ax.set_title("validation macro-F1"); f1_ax.legend()
epochs'''),
    md("## Confusion matrix of each champion's scores against the labels"),
    code('''confusion = spark.sql("""
SELECT s.model_name, s.model_version, d.label AS actual, s.label AS predicted, count(*) AS documents
FROM gold.sentiment_scores s
JOIN silver.documents d ON d.doc_id = s.doc_id
JOIN ml.models m ON m.model_name = s.model_name AND m.version = s.model_version AND m.status = 'champion'
WHERE d.label IS NOT NULL
GROUP BY s.model_name, s.model_version, d.label, s.label
ORDER BY s.model_name, actual, predicted
""").toPandas()

for name, rows in confusion.groupby("model_name"):
    matrix = rows.pivot_table(index="actual", columns="predicted", values="documents", fill_value=0)
    recall = matrix.values.diagonal() / matrix.sum(axis=1).values
    precision = matrix.values.diagonal() / matrix.sum(axis=0).values
    print(name, "recall", dict(zip(matrix.index, recall.round(3))), "precision", dict(zip(matrix.columns, precision.round(3))))
    display(matrix)'''),
    md("## Calibration: is `confidence` the chance of being right?"),
    code('''calibration = spark.sql("""
SELECT s.model_name, s.model_version, least(floor(s.confidence * 10), 9) / 10 AS confidence_bin,
       count(*) AS documents, avg(s.confidence) AS mean_confidence,
       avg(CASE WHEN s.label = d.label THEN 1.0 ELSE 0.0 END) AS accuracy
FROM gold.sentiment_scores s
JOIN silver.documents d ON d.doc_id = s.doc_id
WHERE d.label IS NOT NULL
GROUP BY s.model_name, s.model_version, least(floor(s.confidence * 10), 9) / 10
ORDER BY s.model_name, s.model_version, confidence_bin
""").toPandas()

fig, ax = plt.subplots(figsize=(5, 5))
for (name, version), rows in calibration.groupby(["model_name", "model_version"]):
    ece = (rows.documents * (rows.accuracy - rows.mean_confidence).abs()).sum() / rows.documents.sum()
    ax.plot(rows.mean_confidence, rows.accuracy, marker="o", label=f"{name} v{version} (ECE {ece:.3f})")
ax.plot([0, 1], [0, 1], color="grey", ls="--"); ax.set_xlabel("confidence"); ax.set_ylabel("accuracy"); ax.legend()
calibration'''),
    md("## Score distribution per source"),
    code('''distribution = spark.sql("""
SELECT source, model_name, model_version, round(floor(score * 10) / 10, 1) AS score_band, count(*) AS documents
FROM gold.sentiment_scores
GROUP BY source, model_name, model_version, round(floor(score * 10) / 10, 1)
ORDER BY source, model_name, model_version, score_band
""").toPandas()
distribution.pivot_table(index="score_band", columns="source", values="documents", fill_value=0).plot.bar(figsize=(12, 4))'''),
    code('''spark.sql("""
SELECT source, model_version, count(*) AS documents, round(avg(score), 3) AS mean_score,
       round(percentile_approx(score, 0.5), 3) AS median_score,
       round(avg(CASE WHEN label = 'negative' THEN 1.0 ELSE 0.0 END), 3) AS negative_share
FROM gold.sentiment_scores
GROUP BY source, model_version
ORDER BY source, model_version
""").toPandas()'''),
]

if __name__ == "__main__":
    here = os.path.dirname(os.path.abspath(__file__))
    for name, cells in (("analyst.ipynb", ANALYST), ("model.ipynb", MODEL)):
        with open(os.path.join(here, name), "w", encoding="utf-8") as f:
            json.dump(notebook(cells), f, indent=1, ensure_ascii=False)
            f.write("\n")
