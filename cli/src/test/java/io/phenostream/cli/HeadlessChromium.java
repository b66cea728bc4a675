package io.phenostream.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Debian's headless Chromium ({@code /usr/bin/chromium}, installed by {@code .ci/run}) driven from its command
 * line: {@code --dump-dom} prints the document as the browser parsed and laid it out, {@code --screenshot}
 * writes a PNG. Flags as this machine needs them: no sandbox (tests run as root), no GPU, and no background
 * networking, since the network is closed and Chromium would otherwise keep trying Google's hosts.
 *
 * <p>Where Chromium is missing the test is skipped, unless {@code PHENOSTREAM_REQUIRE_BROWSER=1} (set by CI),
 * where it fails: CI must not pass by silently skipping the browser.
 */
final class HeadlessChromium {

    static final String REQUIRE_ENV = "PHENOSTREAM_REQUIRE_BROWSER";
    private static final List<String> CANDIDATES = List.of("/usr/bin/chromium", "/usr/bin/chromium-browser",
        "/usr/bin/google-chrome");
    private static final long TIMEOUT_SECONDS = 60;

    private final Path executable;
    private final Path profiles;
    private int runs;

    private HeadlessChromium(final Path executable, final Path profiles) {
        this.executable = executable;
        this.profiles = profiles;
    }

    /** The browser, or the calling test aborted (skipped) when there is none and CI does not require one. */
    static HeadlessChromium findOrSkip(final Path profiles) {
        final Optional<Path> found = Optional.ofNullable(System.getenv("PHENOSTREAM_CHROMIUM")).map(Path::of)
            .or(() -> CANDIDATES.stream().map(Path::of).filter(Files::isExecutable).findFirst());
        if (found.isEmpty()) {
            if ("1".equals(System.getenv(REQUIRE_ENV))) {
                throw new AssertionError("No Chromium at " + CANDIDATES + " but " + REQUIRE_ENV
                    + "=1: install Debian's chromium (see .ci/run)");
            }
            Assumptions.abort("No headless Chromium at " + CANDIDATES + "; `apt-get install chromium` to run this");
        }
        return new HeadlessChromium(found.get(), profiles);
    }

    /** The DOM after the browser loaded {@code url}, serialized by Chromium. */
    String dumpDom(final String url) throws IOException, InterruptedException {
        return new String(run(List.of("--dump-dom", url)), StandardCharsets.UTF_8);
    }

    /** Loads {@code url} in a window of the given size and writes what the browser shows to {@code png}. */
    void screenshot(final String url, final Path png, final int width, final int height)
        throws IOException, InterruptedException {
        Files.createDirectories(png.toAbsolutePath().getParent());
        Files.deleteIfExists(png);
        run(List.of("--window-size=" + width + "," + height, "--hide-scrollbars",
            "--screenshot=" + png.toAbsolutePath(), url));
        if (!Files.isRegularFile(png) || Files.size(png) == 0) {
            throw new AssertionError("Chromium wrote no screenshot of " + url + " to " + png);
        }
    }

    private byte[] run(final List<String> args) throws IOException, InterruptedException {
        final List<String> command = new ArrayList<>(List.of(executable.toString(), "--headless", "--no-sandbox",
            "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
            "--user-data-dir=" + profiles.resolve("profile-" + runs++).toAbsolutePath()));
        command.addAll(args);
        final Path log = Files.createTempFile(profiles, "chromium", ".log");
        final Process p = new ProcessBuilder(command).redirectError(log.toFile()).start();
        final byte[] out;
        try (var in = p.getInputStream()) {
            out = in.readAllBytes();
        }
        if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("Chromium did not finish within " + TIMEOUT_SECONDS + " s: " + command);
        }
        if (p.exitValue() != 0) {
            throw new AssertionError("Chromium exited " + p.exitValue() + " for " + command + ":\n"
                + Files.readString(log));
        }
        return out;
    }
}
