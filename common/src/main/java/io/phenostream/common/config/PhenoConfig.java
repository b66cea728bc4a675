package io.phenostream.common.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Function;

/**
 * Resolved configuration: explicit overrides, then system properties, then environment variables, then an
 * optional properties file ({@code PHENOSTREAM_CONFIG} or {@code --config}), then defaults. Immutable.
 */
public final class PhenoConfig {

    private final Map<ConfigKey, String> values;

    private PhenoConfig(final Map<ConfigKey, String> values) {
        this.values = values;
    }

    public static PhenoConfig load(final Path propertiesFile) {
        return load(propertiesFile, System::getenv, System.getProperties());
    }

    static PhenoConfig load(final Path propertiesFile, final Function<String, String> env, final Properties sys) {
        final Properties file = new Properties();
        Path path = propertiesFile;
        if (path == null && env.apply("PHENOSTREAM_CONFIG") != null) {
            path = Path.of(env.apply("PHENOSTREAM_CONFIG"));
        }
        if (path != null) {
            try (Reader r = Files.newBufferedReader(path)) {
                file.load(r);
            } catch (final IOException e) {
                throw new IllegalArgumentException("Cannot read configuration file " + path + ": " + e.getMessage(), e);
            }
        }
        final Map<ConfigKey, String> values = new EnumMap<>(ConfigKey.class);
        for (final ConfigKey k : ConfigKey.values()) {
            String v = sys.getProperty(k.key());
            if (v == null) {
                v = env.apply(k.envName());
            }
            if (v == null) {
                v = file.getProperty(k.key());
            }
            if (v == null) {
                v = k.defaultValue();
            }
            if (v != null) {
                values.put(k, v);
            }
        }
        return new PhenoConfig(values);
    }

    public static PhenoConfig defaults() {
        return load(null, name -> null, new Properties());
    }

    /** A copy with one key set (used by local mode to point services at the embedded infrastructure). */
    public PhenoConfig with(final ConfigKey key, final String value) {
        final Map<ConfigKey, String> copy = new EnumMap<>(ConfigKey.class);
        copy.putAll(values);
        if (value == null) {
            copy.remove(key);
        } else {
            copy.put(key, value);
        }
        return new PhenoConfig(copy);
    }

    public Optional<String> get(final ConfigKey key) {
        return Optional.ofNullable(values.get(key)).filter(v -> !v.isEmpty() || key == ConfigKey.TOPIC_PREFIX
            || key == ConfigKey.DB_PASSWORD);
    }

    public String require(final ConfigKey key) {
        return get(key).orElseThrow(() -> new IllegalStateException("Configuration key " + key.key()
            + " (env " + key.envName() + ") is not set: " + key.description()));
    }

    public int getInt(final ConfigKey key) {
        final String v = require(key);
        try {
            return Integer.parseInt(v.trim());
        } catch (final NumberFormatException e) {
            throw new IllegalArgumentException("Configuration key " + key.key() + " must be an integer, got '" + v + "'");
        }
    }

    public boolean getBoolean(final ConfigKey key) {
        return Boolean.parseBoolean(require(key).trim());
    }

    public String topic(final String name) {
        return io.phenostream.common.kafka.Topics.name(get(ConfigKey.TOPIC_PREFIX).orElse(""), name);
    }

    /** Every key with its value, secrets masked: safe to log. */
    @Override
    public String toString() {
        final StringBuilder sb = new StringBuilder("PhenoConfig{");
        for (final Map.Entry<ConfigKey, String> e : values.entrySet()) {
            sb.append(e.getKey().key()).append('=').append(e.getKey().isSecret() ? "****" : e.getValue()).append(", ");
        }
        return sb.append('}').toString();
    }
}
