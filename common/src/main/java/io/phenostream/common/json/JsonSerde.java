package io.phenostream.common.json;

import io.phenostream.common.events.Versioned;
import java.io.IOException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * JSON serde for one event type. The deserializer refuses a record whose {@code schemaVersion} is missing or
 * newer than this code understands, naming the topic, so the record goes to the dead-letter topic instead of
 * being half-read.
 */
public final class JsonSerde<T extends Versioned> implements Serde<T>, Serializer<T>, Deserializer<T> {

    private final Class<T> type;
    private final int supportedVersion;

    public JsonSerde(final Class<T> type, final int supportedVersion) {
        this.type = type;
        this.supportedVersion = supportedVersion;
    }

    @Override
    public byte[] serialize(final String topic, final T data) {
        if (data == null) {
            return null;
        }
        try {
            return Json.MAPPER.writeValueAsBytes(data);
        } catch (final IOException e) {
            throw new SerializationException("Cannot write " + type.getSimpleName() + " to topic " + topic, e);
        }
    }

    @Override
    public T deserialize(final String topic, final byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        final T value;
        try {
            value = Json.MAPPER.readValue(bytes, type);
        } catch (final IOException e) {
            throw new SerializationException("Topic " + topic + ": malformed " + type.getSimpleName() + " JSON: "
                + e.getMessage(), e);
        }
        if (value.schemaVersion() < 1 || value.schemaVersion() > supportedVersion) {
            throw new SerializationException("Topic " + topic + ": unsupported " + type.getSimpleName()
                + " schemaVersion " + value.schemaVersion() + " (this build reads 1.." + supportedVersion + ")");
        }
        return value;
    }

    @Override
    public void configure(final java.util.Map<String, ?> configs, final boolean isKey) {
        // nothing to configure: the type is fixed at construction
    }

    @Override
    public void close() {
        // stateless
    }

    @Override
    public Serializer<T> serializer() {
        return this;
    }

    @Override
    public Deserializer<T> deserializer() {
        return this;
    }
}
