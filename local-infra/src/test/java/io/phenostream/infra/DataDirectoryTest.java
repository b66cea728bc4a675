package io.phenostream.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataDirectoryTest {

    @TempDir
    Path tmp;

    @Test
    void createsNestedFoldersAndLeavesNoProbeBehind() throws IOException {
        final Path dir = DataDirectory.ensureWritable(tmp.resolve("a/b/c"), "test");
        assertTrue(Files.isDirectory(dir));
        try (var files = Files.list(dir)) {
            assertEquals(0, files.count());
        }
    }

    @Test
    void folderUnderARegularFileNamesThePathAndTheCause() throws IOException {
        final Path file = Files.writeString(tmp.resolve("file"), "x");
        final IllegalStateException e = assertThrows(IllegalStateException.class,
            () -> DataDirectory.ensureWritable(file.resolve("sub"), "S3 objects"));
        assertTrue(e.getMessage().startsWith("Data directory " + file.resolve("sub") + " (S3 objects) is not a writable directory: "),
            e.getMessage());
        assertTrue(e.getMessage().contains("Exception"), "names the cause: " + e.getMessage());
    }

    @Test
    void deletesATreeAndAcceptsAMissingOne() throws IOException {
        final Path root = tmp.resolve("root");
        Files.createDirectories(root.resolve("x/y"));
        Files.writeString(root.resolve("x/y/f.txt"), "data");
        Files.writeString(root.resolve("g.txt"), "data");
        DataDirectory.deleteRecursively(root);
        assertFalse(Files.exists(root));
        DataDirectory.deleteRecursively(root);
        assertTrue(Files.isDirectory(tmp));
    }

    @Test
    void brokerConfigLetsTransactionsRunOnOneBroker() {
        final Map<String, String> c = EmbeddedKafka.brokerConfig(0, "CONTROLLER");
        assertEquals("1", c.get("offsets.topic.replication.factor"));
        assertEquals("1", c.get("transaction.state.log.replication.factor"));
        assertEquals("1", c.get("transaction.state.log.min.isr"));
        assertEquals("0", c.get("group.initial.rebalance.delay.ms"));
    }
}
