package io.phenostream.common.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PhenoConfigTest {

    @Test
    void precedenceSystemThenEnvThenFileThenDefault(@TempDir final Path dir) throws Exception {
        final Path file = dir.resolve("p.properties");
        Files.writeString(file, "phenostream.s3.bucket=from-file\nphenostream.s3.region=eu-west-1\n"
            + "phenostream.kafka.bootstrap=file:9092\n");
        final Map<String, String> env = Map.of("PHENOSTREAM_S3_REGION", "env-region",
            "PHENOSTREAM_KAFKA_BOOTSTRAP", "env:9092");
        final Properties sys = new Properties();
        sys.setProperty("phenostream.kafka.bootstrap", "sys:9092");
        final PhenoConfig c = PhenoConfig.load(file, env::get, sys);
        assertEquals("sys:9092", c.require(ConfigKey.KAFKA_BOOTSTRAP));
        assertEquals("env-region", c.require(ConfigKey.S3_REGION));
        assertEquals("from-file", c.require(ConfigKey.S3_BUCKET));
        assertEquals(".phenostream", c.require(ConfigKey.DATA_DIR));
    }

    @Test
    void missingRequiredKeyNamesItsEnvironmentVariable() {
        final IllegalStateException e = assertThrows(IllegalStateException.class,
            () -> PhenoConfig.defaults().require(ConfigKey.DB_URL));
        assertTrue(e.getMessage().contains("PHENOSTREAM_DB_URL"), e.getMessage());
    }

    @Test
    void toStringMasksSecrets() {
        final PhenoConfig c = PhenoConfig.defaults().with(ConfigKey.DB_PASSWORD, "hunter2");
        assertFalse(c.toString().contains("hunter2"));
        assertFalse(c.toString().contains("phenostream-local-secret"));
        assertTrue(c.toString().contains("phenostream.db.password=****"));
    }

    @Test
    void badIntegerIsAClearError() {
        final PhenoConfig c = PhenoConfig.defaults().with(ConfigKey.EXTRACTOR_THREADS, "many");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> c.getInt(ConfigKey.EXTRACTOR_THREADS))
            .getMessage().contains("'many'"));
    }

    @Test
    void topicPrefix() {
        assertEquals("site-features", PhenoConfig.defaults().topic("site-features"));
        assertEquals("lab1.site-features",
            PhenoConfig.defaults().with(ConfigKey.TOPIC_PREFIX, "lab1.").topic("site-features"));
    }
}
