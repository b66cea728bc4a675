package io.phenostream.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What Linux's {@code /proc} says about this JVM (resident memory now and at its peak) and about the embedded
 * PostgreSQL, which runs as processes of its own (a postmaster started by {@code pg_ctl}, so not a child of the
 * JVM, and its backends): their CPU time and memory. Everything degrades to "unknown" (-1) where {@code /proc}
 * is missing (not Linux).
 */
final class ProcFs {

    private static final Path PROC = Path.of("/proc");
    /** Clock ticks per second of /proc/PID/stat's CPU fields; 100 on every mainstream Linux build. */
    private static final long CLOCK_TICKS = 100;

    private ProcFs() {
    }

    /** This JVM's resident set now ({@code VmRSS}) and its peak ({@code VmHWM}), bytes; -1 when unknown. */
    record Rss(long current, long peak) {
    }

    static Rss jvmRss() {
        final Map<String, Long> status = statusKb(PROC.resolve("self/status"));
        return new Rss(bytes(status.get("VmRSS")), bytes(status.get("VmHWM")));
    }

    private static long bytes(final Long kb) {
        return kb == null ? -1 : kb * 1024;
    }

    /** The {@code kB} fields of a {@code /proc/PID/status} or {@code smaps_rollup} file. */
    static Map<String, Long> statusKb(final Path file) {
        final Map<String, Long> out = new HashMap<>();
        try {
            for (final String line : Files.readAllLines(file, StandardCharsets.ISO_8859_1)) {
                final int colon = line.indexOf(':');
                if (colon > 0 && line.endsWith(" kB")) {
                    try {
                        out.put(line.substring(0, colon).trim(),
                            Long.parseLong(line.substring(colon + 1, line.length() - 3).trim()));
                    } catch (final NumberFormatException ignored) {
                        // not a number: not a field we read
                    }
                }
            }
        } catch (final IOException | RuntimeException e) {
            // the process ended or /proc is absent: unknown
        }
        return out;
    }

    /**
     * The PostgreSQL server whose data folder lies under {@code dataRoot}, and its backends, at one moment.
     *
     * @param cpuNanos user + system CPU of the live processes, plus what the postmaster collected from backends
     *                 that exited ({@code cutime + cstime})
     * @param pssBytes proportional set size summed over the processes (shared buffers split between them, not
     *                 counted once per backend); falls back to the RSS sum where {@code smaps_rollup} is unreadable
     */
    record Postgres(int processes, long cpuNanos, long pssBytes) {
        static final Postgres NONE = new Postgres(0, 0, 0);
    }

    static Postgres postgres(final Path dataRoot) {
        final String marker = dataRoot.toAbsolutePath().normalize().toString();
        final Map<Integer, long[]> stats = new HashMap<>(); // pid -> {ppid, utime+stime, cutime+cstime}
        Integer postmaster = null;
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(PROC, p -> p.getFileName().toString()
            .chars().allMatch(Character::isDigit))) {
            for (final Path dir : dirs) {
                final long[] stat = stat(dir.resolve("stat"));
                if (stat == null) {
                    continue;
                }
                final int pid = Integer.parseInt(dir.getFileName().toString());
                stats.put(pid, stat);
                if (postmaster == null && cmdline(dir).contains(marker) && cmdline(dir).contains("postgres")) {
                    postmaster = pid;
                }
            }
        } catch (final IOException | RuntimeException e) {
            return Postgres.NONE;
        }
        if (postmaster == null) {
            return Postgres.NONE;
        }
        final Set<Integer> tree = new HashSet<>(List.of(postmaster));
        boolean grew = true;
        while (grew) {
            grew = false;
            for (final Map.Entry<Integer, long[]> e : stats.entrySet()) {
                if (!tree.contains(e.getKey()) && tree.contains((int) e.getValue()[0])) {
                    tree.add(e.getKey());
                    grew = true;
                }
            }
        }
        long ticks = stats.get(postmaster)[2];
        long pss = 0;
        for (final int pid : tree) {
            ticks += stats.get(pid)[1];
            final Path dir = PROC.resolve(Integer.toString(pid));
            final Map<String, Long> rollup = statusKb(dir.resolve("smaps_rollup"));
            pss += 1024 * rollup.getOrDefault("Pss", statusKb(dir.resolve("status")).getOrDefault("VmRSS", 0L));
        }
        return new Postgres(tree.size(), ticks * (1_000_000_000L / CLOCK_TICKS), pss);
    }

    /** {ppid, utime + stime, cutime + cstime} of /proc/PID/stat, or null when unreadable. */
    private static long[] stat(final Path file) {
        try {
            final String s = Files.readString(file, StandardCharsets.ISO_8859_1);
            // the command name (field 2) is in parentheses and may hold spaces: count fields after the last ')'
            final String[] f = s.substring(s.lastIndexOf(')') + 2).trim().split(" ");
            // f[0] is field 3 (state): ppid = field 4, utime..cstime = fields 14..17
            return new long[] {Long.parseLong(f[1]), Long.parseLong(f[11]) + Long.parseLong(f[12]),
                Long.parseLong(f[13]) + Long.parseLong(f[14])};
        } catch (final IOException | RuntimeException e) {
            return null;
        }
    }

    private static String cmdline(final Path dir) {
        try {
            return new String(Files.readAllBytes(dir.resolve("cmdline")), StandardCharsets.ISO_8859_1).replace('\0', ' ');
        } catch (final IOException | RuntimeException e) {
            return "";
        }
    }

    /** The CPU model line of /proc/cpuinfo and the total memory of /proc/meminfo, for the report header. */
    static String machine() {
        String cpu = "unknown CPU";
        try {
            for (final String line : Files.readAllLines(PROC.resolve("cpuinfo"), StandardCharsets.ISO_8859_1)) {
                if (line.startsWith("model name")) {
                    cpu = line.substring(line.indexOf(':') + 1).trim();
                    break;
                }
            }
        } catch (final IOException | RuntimeException e) {
            // keep "unknown"
        }
        final long memKb = statusKb(PROC.resolve("meminfo")).getOrDefault("MemTotal", -1L);
        return String.format(java.util.Locale.ROOT, "%d cores (%s), %.1f GiB RAM", Runtime.getRuntime()
            .availableProcessors(), cpu, memKb / 1024.0 / 1024.0);
    }

    /** The 1-minute load average, or NaN. */
    static double loadAverage() {
        try {
            return Double.parseDouble(Files.readString(PROC.resolve("loadavg")).split(" ")[0]);
        } catch (final IOException | RuntimeException e) {
            return Double.NaN;
        }
    }
}
