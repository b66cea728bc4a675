package io.phenostream.infra;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Creating, checking and wiping the local-mode data folders, with errors that name the folder. */
final class DataDirectory {

    private DataDirectory() {
    }

    /**
     * Creates {@code dir} (and its parents) and proves it is writable by writing a probe file: root ignores
     * permission bits, so {@link Files#isWritable} alone would say yes to a read-only mount.
     */
    static Path ensureWritable(final Path dir, final String purpose) {
        final Path abs = dir.toAbsolutePath().normalize();
        try {
            Files.createDirectories(abs);
            final Path probe = Files.createTempFile(abs, ".write-probe", ".tmp");
            Files.delete(probe);
            return abs;
        } catch (final IOException | SecurityException e) {
            throw new IllegalStateException("Data directory " + abs + " (" + purpose + ") is not a writable directory: "
                + describe(e) + ". Set phenostream.data.dir (env PHENOSTREAM_DATA_DIR) to a writable folder.", e);
        }
    }

    /**
     * Takes an exclusive lock on {@code dir/.lock} so two local-mode processes (or two instances in one JVM) never
     * share, and wipe, each other's data. Closing the returned handle releases it.
     */
    static AutoCloseable lock(final Path dir) {
        final Path lockFile = dir.resolve(".lock");
        FileChannel channel = null;
        try {
            channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            final FileLock lock = channel.tryLock();
            if (lock == null) {
                throw new OverlappingFileLockException();
            }
            final FileChannel held = channel;
            return () -> {
                lock.release();
                held.close();
            };
        } catch (final OverlappingFileLockException e) {
            closeQuietly(channel);
            throw new IllegalStateException("Data directory " + dir + " is in use by another PhenoStream local "
                + "infrastructure (lock " + lockFile + " is held); stop it or choose another phenostream.data.dir", e);
        } catch (final IOException e) {
            closeQuietly(channel);
            throw new IllegalStateException("Cannot lock data directory " + dir + " (" + lockFile + "): " + describe(e), e);
        }
    }

    private static void closeQuietly(final FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (final IOException ignored) {
                // nothing held yet
            }
        }
    }

    /** Deletes {@code dir} and everything under it; a missing folder is fine. */
    static void deleteRecursively(final Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(final Path file, final BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(final Path file, final IOException e) throws IOException {
                    if (e instanceof NoSuchFileException) {
                        return FileVisitResult.CONTINUE;
                    }
                    throw e;
                }

                @Override
                public FileVisitResult postVisitDirectory(final Path d, final IOException e) throws IOException {
                    if (e != null && !(e instanceof NoSuchFileException)) {
                        throw e;
                    }
                    Files.deleteIfExists(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (final IOException e) {
            throw new IllegalStateException("Cannot delete " + dir.toAbsolutePath() + ": " + describe(e), e);
        }
    }

    /** The exception's class and message: file-system exceptions often carry only the path as their message. */
    static String describe(final Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t
            && (t.getMessage() == null || t instanceof ExecutionException || t instanceof CompletionException)) {
            t = t.getCause();
        }
        final String name = t.getClass().getSimpleName();
        return t.getMessage() == null ? name : name + ": " + t.getMessage();
    }
}
