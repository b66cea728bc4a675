package io.phenostream.infra;

import java.net.URL;

/**
 * Keeps the embedded servers' logs at WARN. Kafka, S3Proxy/Jetty and zonky log through slf4j, which goes to
 * logback ({@code logback.xml} of phenostream-common: root WARN, io.phenostream INFO). The broker also has
 * log4j-core on its class path, and the Kafka test-kit jar carries a {@code log4j2.yaml} (root INFO to stdout)
 * that log4j would pick up for anything logging through the log4j API; pointing
 * {@code log4j2.configurationFile} at common's {@code log4j2-quiet.properties} (root WARN) prevents that,
 * unless the user already chose a log4j configuration.
 */
final class QuietServerLogging {

    static final String LOG4J_CONFIG_PROPERTY = "log4j2.configurationFile";
    static final String QUIET_LOG4J_RESOURCE = "log4j2-quiet.properties";

    private QuietServerLogging() {
    }

    /** Must run before the first broker class initialises log4j; later calls are harmless. */
    static synchronized void apply() {
        if (System.getProperty(LOG4J_CONFIG_PROPERTY) != null) {
            return;
        }
        final URL quiet = QuietServerLogging.class.getClassLoader().getResource(QUIET_LOG4J_RESOURCE);
        if (quiet != null) {
            System.setProperty(LOG4J_CONFIG_PROPERTY, quiet.toExternalForm());
        }
    }
}
