package io.phenostream.common.kafka;

import io.phenostream.common.events.DeadLetter;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

/** Builds dead-letter records that keep the source record whole. */
public final class DeadLetters {

    private DeadLetters() {
    }

    public static DeadLetter of(final String stage, final String reason, final Throwable error, final String topic,
                                final Integer partition, final Long offset, final byte[] key, final byte[] value) {
        final String text = utf8OrNull(value);
        return new DeadLetter(DeadLetter.SCHEMA_VERSION, stage, reason,
            error == null ? null : error.getClass().getName(), topic, partition, offset,
            key == null ? null : new String(key, StandardCharsets.UTF_8),
            value == null ? null : text != null ? text : Base64.getEncoder().encodeToString(value),
            value != null && text == null, Instant.now().toString());
    }

    static String utf8OrNull(final byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (final CharacterCodingException e) {
            return null;
        }
    }
}
