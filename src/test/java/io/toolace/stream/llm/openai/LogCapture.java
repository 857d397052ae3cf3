package io.toolace.stream.llm.openai;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;

/** Collects what one logger writes while open, as "LEVEL message [thrown]" lines. */
final class LogCapture implements AutoCloseable {

    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final LoggerContext context = LoggerContext.getContext(false);
    private final LoggerConfig config;
    private final AbstractAppender appender;

    LogCapture(final Class<?> logger) {
        this.appender = new AbstractAppender("capture-" + System.nanoTime(), null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(final LogEvent event) {
                lines.add(event.getLevel() + " " + event.getMessage().getFormattedMessage()
                        + (event.getThrown() == null ? "" : " [thrown " + event.getThrown() + "]"));
            }
        };
        appender.start();
        this.config = context.getConfiguration().getLoggerConfig(logger.getName());
        config.addAppender(appender, null, null);
        context.updateLoggers();
    }

    List<String> lines() {
        return List.copyOf(lines);
    }

    @Override
    public void close() {
        config.removeAppender(appender.getName());
        appender.stop();
        context.updateLoggers();
    }
}
