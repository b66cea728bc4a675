package io.phenostream.common.events;

/**
 * Topic {@code dead-letters}. Anything a stage could not process, with the reason and the source record, so
 * nothing is lost in silence. {@code sourceValue} is the record's value as UTF-8 text when it decodes as such,
 * else base64 (then {@code sourceValueBase64} is true).
 */
public record DeadLetter(int schemaVersion, String stage, String reason, String errorClass, String sourceTopic,
                         Integer sourcePartition, Long sourceOffset, String sourceKey, String sourceValue,
                         boolean sourceValueBase64, String occurredAt) implements Versioned {

    public static final int SCHEMA_VERSION = 1;
}
