-- Queries over lakead's tables in the catalog (catalog.*): anomaly_scores (the score table) and
-- sensor_readings (the demo's source table). Run one with:
--   scripts/lakead sql --set catalog.dir=demo-output/metastore "<query>"
-- or all of them with:  scripts/lakead sql --set catalog.dir=demo-output/metastore -f notebooks/queries.sql
-- (the last result is printed). Each query is checked against the demo's tables by the test suite.

-- name: anomalies_per_day
SELECT dt, count(*) AS records, sum(CAST(is_anomaly AS INT)) AS anomalies,
       round(avg(CAST(is_anomaly AS INT)) * 100, 2) AS anomaly_pct
FROM anomaly_scores
GROUP BY dt
ORDER BY dt;

-- name: anomalies_per_device
SELECT device_id, count(*) AS records, sum(CAST(is_anomaly AS INT)) AS anomalies,
       round(max(anomaly_score), 3) AS max_score
FROM anomaly_scores
GROUP BY device_id
ORDER BY anomalies DESC, device_id
LIMIT 20;

-- name: top_records_latest_day
SELECT record_id, device_id, ts, round(anomaly_score, 4) AS score, round(threshold, 4) AS threshold
FROM anomaly_scores
WHERE dt = (SELECT max(dt) FROM anomaly_scores) AND is_anomaly
ORDER BY anomaly_score DESC
LIMIT 10;

-- name: anomaly_rate_trend
SELECT dt, round(rate * 100, 2) AS anomaly_pct,
       round(avg(rate) OVER (ORDER BY dt ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) * 100, 2) AS moving_avg_3d_pct
FROM (SELECT dt, avg(CAST(is_anomaly AS INT)) AS rate FROM anomaly_scores GROUP BY dt) daily
ORDER BY dt;

-- name: score_distribution_per_day
SELECT dt, round(percentile_approx(anomaly_score, 0.5), 5) AS p50,
       round(percentile_approx(anomaly_score, 0.95), 5) AS p95,
       round(percentile_approx(anomaly_score, 0.99), 5) AS p99, round(max(anomaly_score), 3) AS max_score
FROM anomaly_scores
GROUP BY dt
ORDER BY dt;

-- name: anomalies_with_source_readings
SELECT s.dt, s.record_id, s.device_id, round(s.anomaly_score, 3) AS score, r.s00, r.s01, r.s02, r.s03
FROM anomaly_scores s
JOIN sensor_readings r ON r.record_id = s.record_id AND r.dt = s.dt
WHERE s.is_anomaly
ORDER BY s.anomaly_score DESC
LIMIT 10;
