package dev.lakead.monitoring;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.WriterAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.logging.log4j.core.layout.PatternLayout;

import java.io.StringWriter;

/** Captures everything logged (every logger, lakead's at DEBUG) while open. */
final class LogCapture implements AutoCloseable {
    private final StringWriter out = new StringWriter();
    private final WriterAppender appender;
    private final LoggerContext ctx;
    private final Level before;

    LogCapture() {
        ctx = (LoggerContext) LogManager.getContext(false);
        Configuration config = ctx.getConfiguration();
        PatternLayout layout = PatternLayout.newBuilder().withPattern("%p %c{1}: %m%n%throwable").withConfiguration(config)
                .build();
        appender = WriterAppender.newBuilder().setName("capture-" + System.nanoTime()).setLayout(layout)
                .setTarget(out).setConfiguration(config).build();
        appender.start();
        config.addAppender(appender);
        config.getRootLogger().addAppender(appender, Level.ALL, null);
        before = config.getLoggerConfig("dev.lakead").getLevel();
        ctx.updateLoggers();
        Configurator.setLevel("dev.lakead", Level.DEBUG);
    }

    String text() {
        synchronized (out) {
            return out.toString();
        }
    }

    @Override
    public void close() {
        Configuration config = ctx.getConfiguration();
        config.getRootLogger().removeAppender(appender.getName());
        ctx.updateLoggers();
        appender.stop();
        Configurator.setLevel("dev.lakead", before);
    }
}
