package io.phenostream.ingest.http;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import java.util.ArrayList;
import org.slf4j.LoggerFactory;

/** Every log event of every logger (io.phenostream at DEBUG) into a list, as ExtractorPoisonInputIT captures them. */
final class LogCapture {

    private LogCapture() {
    }

    static ListAppender<ILoggingEvent> start() {
        final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        final ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.setContext(root.getLoggerContext());
        appender.start();
        root.addAppender(appender);
        ((Logger) LoggerFactory.getLogger("io.phenostream")).setLevel(Level.DEBUG);
        return appender;
    }

    static void stop(final ListAppender<ILoggingEvent> appender) {
        if (appender == null) {
            return;
        }
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(appender);
        ((Logger) LoggerFactory.getLogger("io.phenostream")).setLevel(null);
    }

    /** Logger names, formatted messages (arguments filled in), MDC and stack traces, as an appender would write. */
    static String render(final ListAppender<ILoggingEvent> logs) {
        final StringBuilder sb = new StringBuilder();
        synchronized (logs) {
            for (final ILoggingEvent e : new ArrayList<>(logs.list)) {
                sb.append(e.getLoggerName()).append(' ').append(e.getThreadName()).append(' ')
                    .append(e.getFormattedMessage()).append(' ').append(e.getMDCPropertyMap()).append('\n');
                if (e.getThrowableProxy() != null) {
                    sb.append(ThrowableProxyUtil.asString(e.getThrowableProxy())).append('\n');
                }
            }
        }
        return sb.toString();
    }
}
