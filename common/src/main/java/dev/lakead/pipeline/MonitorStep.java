package dev.lakead.pipeline;

import dev.lakead.config.Settings;
import dev.lakead.monitoring.Alert;
import dev.lakead.monitoring.AlertPlanner;
import dev.lakead.monitoring.AlertSink;
import dev.lakead.monitoring.AnomalySelection;
import dev.lakead.monitoring.Dispatcher;
import dev.lakead.monitoring.HttpDelivery;
import dev.lakead.monitoring.MonitorConfig;
import dev.lakead.monitoring.MonitorEnvironment;
import dev.lakead.monitoring.Outbox;
import dev.lakead.monitoring.Redactor;
import dev.lakead.monitoring.SeverityLadder;
import dev.lakead.monitoring.SinkConfig;
import dev.lakead.table.ScoreTable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static dev.lakead.io.ColumnRef.col;
import static org.apache.spark.sql.functions.lit;

/**
 * monitor: reads the newly scored rows of the score table, writes the anomaly log (JSON lines) and sends alerts
 * through the configured sinks with an outbox, deduplication and a rate limit (see {@link AlertPlanner}).
 * The order makes reruns safe: secrets are read first (a missing one stops the run before anything happens), then
 * the log is written, the alerts are put in the outbox and the watermark moves, and only then is anything sent.
 */
public final class MonitorStep {
    private static final Logger LOG = LoggerFactory.getLogger(MonitorStep.class);

    private MonitorStep() {
    }

    /**
     * The run in numbers. Alerts of this run: sent (delivered now), alreadySent (delivered by an earlier run over
     * the same rows), failed (some sink still to take it: the next run retries), unrouted (no sink takes its
     * severity); candidates deduplicated; episodes suppressed by the rate limit (reported by the summary alert).
     */
    public record Result(long examined, Map<String, Long> recordsBySeverity, long episodes,
                         Map<String, Long> episodesBySeverity, List<Alert> alerts, int sent, int alreadySent,
                         int failed, int unrouted, int deduplicated, long suppressed, String summaryId,
                         int earlierDelivered, int deliveries, List<String> partitions, String logPath, String stateDir,
                         Map<String, String> sinkErrors, int sinks) {

        public long anomalousRecords() {
            return recordsBySeverity.values().stream().mapToLong(Long::longValue).sum();
        }

        public String toText() {
            StringBuilder sb = new StringBuilder();
            sb.append(String.format(Locale.ROOT, "records examined: %s, anomalous: %s %s, episodes: %s %s%n",
                    Alert.count(examined), Alert.count(anomalousRecords()), recordsBySeverity,
                    Alert.count(episodes), episodesBySeverity));
            if (!partitions.isEmpty()) {
                sb.append("partitions: ").append(String.join(" ", partitions)).append(System.lineSeparator());
            }
            sb.append(String.format(Locale.ROOT, "alerts: sent %d, already sent %d, deduplicated %d, suppressed by"
                            + " the rate limit %s%s, failed %d%s%s%n", sent, alreadySent, deduplicated,
                    Alert.count(suppressed), summaryId == null ? "" : " (summary alert " + summaryId + ")", failed,
                    unrouted > 0 ? ", no sink for their severity " + unrouted : "",
                    earlierDelivered > 0 ? ", earlier alerts delivered now " + earlierDelivered : ""));
            if (sinks == 0) {
                sb.append("no sinks configured (monitor.sinks): alerts are only logged").append(System.lineSeparator());
            }
            sinkErrors.forEach((k, v) -> sb.append("sink ").append(k).append(" failed: ").append(v)
                    .append(System.lineSeparator()));
            sb.append("anomaly_log: ").append(logPath).append(System.lineSeparator());
            sb.append("state: ").append(stateDir).append(System.lineSeparator());
            return sb.toString();
        }
    }

    public static Result run(JobContext ctx) {
        return run(ctx, MonitorEnvironment.system());
    }

    public static Result run(JobContext ctx, MonitorEnvironment env) {
        Settings s = ctx.settings();
        MonitorConfig cfg = MonitorConfig.from(s);
        Instant now = env.clock().instant();

        // secrets first: a missing one stops the run before it writes or sends anything
        Redactor redactor = new Redactor();
        HttpDelivery http = new HttpDelivery(cfg.delivery(), redactor, env.sleeper());
        List<AlertSink> sinks = new ArrayList<>();
        for (SinkConfig c : cfg.sinks()) {
            sinks.add(env.sinkDecorator().apply(c.build(env.environment(), redactor, http, cfg.ladder())));
        }

        // the score table before the state: a missing one stops the run before the state directory is created
        ScoreTable scores = ScoreTable.at(ctx.spark(), s, cfg.scores());
        String path = scores.describe();
        Dataset<Row> table = scores.read(cfg.where());

        Outbox outbox = new Outbox(ctx.files(), cfg.stateDir());
        Map<String, Outbox.Entry> entries = outbox.load();
        int pruned = outbox.prune(entries, now.minus(cfg.retention()));
        if (pruned > 0) {
            LOG.info("Monitor state: forgot {} alert(s) older than {}", pruned, cfg.retention());
        }
        Set<String> delivered = outbox.delivered();

        Optional<Instant> watermark = cfg.newOnly() ? outbox.watermark() : Optional.empty();
        if (watermark.isPresent()) {
            table = table.where(col(ScoreTable.SCORED_AT).gt(lit(Timestamp.from(watermark.get()))));
        }
        List<String> partitions = scores.partitionColumns();
        List<String> keys = keyColumns(s, cfg, table, partitions);
        LOG.info("Monitoring {}{}{} (levels {}, keys {}, {} sink(s))", path,
                cfg.where().isAll() ? "" : " where " + cfg.where().expression(),
                watermark.map(w -> ", rows scored after " + w).orElse(""), cfg.ladder(), keys, sinks.size());

        AnomalySelection selection = AnomalySelection.of(table, cfg, keys, partitions);
        AnomalySelection.TableStats stats;
        Map<String, Long> recordsBySeverity = zeros(cfg.ladder());
        Map<String, Long> episodesBySeverity = zeros(cfg.ladder());
        List<String> partitionList = List.of();
        AlertPlanner.Plan plan = new AlertPlanner.Plan(List.of(), List.of(), 0, List.of(), 0, null);
        long episodes = 0;
        try {
            stats = selection.tableStats();
            if (stats.records() > 0) {
                recordsBySeverity = selection.recordsBySeverity();
                long anomalous = recordsBySeverity.values().stream().mapToLong(Long::longValue).sum();
                if (anomalous > 0) {
                    selection.writeLog(cfg.logPath());
                    LOG.info("Anomaly log: {} record(s) written to {}", anomalous, cfg.logPath());
                    episodesBySeverity = selection.episodesBySeverity();
                    episodes = episodesBySeverity.values().stream().mapToLong(Long::longValue).sum();
                    List<Alert> candidates = selection.top(Math.max(cfg.maxAlerts() + cfg.lookahead(),
                            cfg.summaryTop()));
                    partitionList = selection.partitions(100);
                    plan = AlertPlanner.plan(new AlertPlanner.Input(candidates, episodes, episodesBySeverity,
                                    anomalous, partitionList), entries.values(), cfg.window(), cfg.maxAlerts(),
                            cfg.summaryTop(), cfg.ladder());
                    int order = 0;
                    for (Alert a : plan.fresh()) {
                        List<String> to = sinks.stream().filter(k -> k.accepts(a)).map(AlertSink::name).toList();
                        Outbox.Entry e = new Outbox.Entry(a, now, order++, to);
                        outbox.add(e);
                        entries.put(a.id(), e);
                        logAlert(a, cfg.ladder());
                    }
                }
            }
            if (cfg.newOnly() && stats.maxScoredAt() != null) {
                outbox.setWatermark(stats.maxScoredAt());
            }
        } finally {
            selection.release();
        }
        if (stats.records() == 0) {
            LOG.info("No {}rows to examine in {}", cfg.newOnly() ? "newly scored " : "", path);
        }

        Dispatcher.Report report = new Dispatcher(outbox, sinks, env.clock()).deliver(entries, delivered);
        int sent = 0;
        int already = 0;
        int failed = 0;
        int unrouted = 0;
        Set<String> fresh = new java.util.HashSet<>();
        plan.fresh().forEach(a -> fresh.add(a.id()));
        Set<String> ofThisRun = new java.util.HashSet<>();
        for (Alert a : plan.alerts()) {
            ofThisRun.add(a.id());
            if (report.pending().contains(a.id())) {
                failed++;
            } else if (report.deliveredNow().contains(a.id())) {
                sent++;
            } else if (fresh.contains(a.id())) {
                unrouted++;
            } else {
                already++;
            }
        }
        int earlier = (int) report.deliveredNow().stream().filter(id -> !ofThisRun.contains(id)).count();
        long earlierPending = report.pending().stream().filter(id -> !ofThisRun.contains(id)).count();
        failed += (int) earlierPending;
        return new Result(stats.records(), recordsBySeverity, episodes, episodesBySeverity, plan.alerts(), sent,
                already, failed, unrouted, plan.deduplicated().size(), plan.suppressed(),
                plan.summary() == null ? null : plan.summary().id(), earlier, report.deliveries(), partitionList,
                cfg.logPath(), cfg.stateDir(), report.errors(), sinks.size());
    }

    /** The record keys: monitor.key-columns, or the score.key-columns present in the table (not partitions). */
    static List<String> keyColumns(Settings s, MonitorConfig cfg, Dataset<Row> table, List<String> partitions) {
        if (!cfg.keyColumns().isEmpty()) {
            return cfg.keyColumns();
        }
        List<String> columns = Arrays.asList(table.columns());
        return ScoreConfig.keyColumns(s).stream()
                .filter(k -> columns.contains(k) && !partitions.contains(k)).toList();
    }

    private static Map<String, Long> zeros(SeverityLadder ladder) {
        Map<String, Long> m = new LinkedHashMap<>();
        ladder.levels().forEach(l -> m.put(l.name(), 0L));
        return m;
    }

    /** The chapter's AnomalyMonitor: high-severity alerts as warnings in the job log. */
    private static void logAlert(Alert a, SeverityLadder ladder) {
        if (a.rank() == ladder.highest().rank()) {
            LOG.warn("Alert {}: {}", a.id(), a.title());
        } else {
            LOG.info("Alert {}: {}", a.id(), a.title());
        }
    }
}
