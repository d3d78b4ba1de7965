package dev.lakead.monitoring;

import dev.lakead.LakeadException;
import dev.lakead.config.Settings;
import dev.lakead.table.ScoreTable;
import dev.lakead.table.TableFilter;
import dev.lakead.table.TableLocation;

import java.time.Duration;
import java.util.List;

/** The monitor.* settings, checked (secrets are only referenced here, never read). */
public record MonitorConfig(TableLocation scores, TableFilter where, boolean newOnly, List<String> keyColumns,
                            SeverityLadder ladder, int topFeatures, String logPath, String stateDir,
                            Duration retention, List<String> dedupColumns, Duration window, String timeColumn,
                            int maxAlerts, int summaryTop, int lookahead, DeliveryPolicy delivery,
                            List<SinkConfig> sinks) {

    public static MonitorConfig from(Settings s) {
        TableLocation scores = ScoreTable.input(s, "monitor.scores-path");
        SeverityLadder ladder = SeverityLadder.parse(s.strings("monitor.levels"), "monitor.levels");
        int maxAlerts = nonNegative(s, "monitor.rate-limit.max-alerts");
        int top = nonNegative(s, "monitor.rate-limit.summary-top");
        int lookahead = nonNegative(s, "monitor.rate-limit.lookahead");
        Duration retention = s.duration("monitor.state-retention");
        Duration window = s.duration("monitor.dedup.window");
        if (retention.compareTo(window) < 0) {
            throw new LakeadException("Setting 'monitor.state-retention' (" + s.string("monitor.state-retention")
                    + ") must be at least monitor.dedup.window (" + s.string("monitor.dedup.window") + ")");
        }
        return new MonitorConfig(scores, TableFilter.of(s, "monitor.where"), s.bool("monitor.new-only"),
                s.strings("monitor.key-columns"), ladder, nonNegative(s, "monitor.top-features"),
                s.required("monitor.log-path"), s.required("monitor.state-dir"), retention,
                s.strings("monitor.dedup.key-columns"), window, s.string("monitor.dedup.time-column").trim(),
                maxAlerts, top, lookahead, DeliveryPolicy.from(s), SinkConfig.parse(s, ladder));
    }

    private static int nonNegative(Settings s, String key) {
        int v = s.integer(key);
        if (v < 0) {
            throw new LakeadException("Setting '" + key + "' must not be negative, got " + v);
        }
        return v;
    }
}
