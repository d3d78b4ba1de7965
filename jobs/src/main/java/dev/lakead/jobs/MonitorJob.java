package dev.lakead.jobs;

import dev.lakead.LakeadException;
import dev.lakead.config.Settings;
import dev.lakead.monitoring.MonitorConfig;
import dev.lakead.pipeline.JobContext;
import dev.lakead.pipeline.MonitorStep;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;

@Command(name = "monitor", mixinStandardHelpOptions = true,
        description = {"Log newly scored anomalies and send alerts.",
                "Watch the score table: write the anomaly log (JSON lines) for the newly scored records above",
                "the alert levels and send alerts to the sinks of monitor.sinks (webhook, Slack, PagerDuty),",
                "deduplicated, rate-limited and exactly once across reruns (see conf/monitor-example.conf).",
                "Exit code 2 when a delivery still fails after its retries: the next run sends it."})
final class MonitorJob extends SparkJob {
    @SettingKey("monitor.scores-path")
    @Option(names = "--scores", paramLabel = "PATH", description = "Score table (monitor.scores-path; default score.output-path).")
    String scores;
    @SettingKey("monitor.where")
    @Option(names = "--where", paramLabel = "SQL", description = "Rows to examine, e.g. \"dt = '2026-11-06'\" (monitor.where).")
    String where;
    @SettingKey("monitor.new-only")
    @Option(names = "--new-only", negatable = true, paramLabel = "BOOL",
            description = "Only rows scored since the last run (monitor.new-only, default true); --no-new-only: every row matching --where.")
    Boolean newOnly;
    @SettingKey("monitor.log-path")
    @Option(names = "--log", paramLabel = "PATH", description = "Anomaly log directory (monitor.log-path).")
    String log;
    @SettingKey("monitor.state-dir")
    @Option(names = "--state", paramLabel = "DIR", description = "Outbox and watermark directory (monitor.state-dir).")
    String state;
    @SettingKey("monitor.rate-limit.max-alerts")
    @Option(names = "--max-alerts", paramLabel = "N", description = "Alerts per run before one summary alert replaces the rest (monitor.rate-limit.max-alerts).")
    Integer maxAlerts;

    @Override
    protected void validate(Settings s) {
        MonitorConfig.from(s); // everything but the secrets, which are read when the run starts
    }

    @Override
    protected void run(JobContext ctx, PrintWriter out) {
        MonitorStep.Result r = MonitorStep.run(ctx);
        out.print(r.toText());
        out.flush();
        if (r.failed() > 0) {
            throw new LakeadException(r.failed() + " alert(s) not delivered to every sink (" + String.join(", ",
                    r.sinkErrors().keySet()) + "); they stay in the outbox and the next run sends them");
        }
    }
}
