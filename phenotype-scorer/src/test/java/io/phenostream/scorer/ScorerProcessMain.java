package io.phenostream.scorer;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import org.apache.kafka.streams.KafkaStreams;

/**
 * One scorer in a JVM of its own, for {@link ScorerKillRestartIT}, which kills it as a crashed process would die
 * (SIGKILL: no close, no commit) and starts another on the same state folder. Arguments: bootstrap servers, topic
 * prefix, application id, state folder. Prints its Streams state and the changelog records restored per store
 * whenever they change; exits when its standard input closes, so it never outlives the test JVM.
 */
public final class ScorerProcessMain {

    private ScorerProcessMain() {
    }

    public static void main(final String[] args) throws InterruptedException {
        final PhenotypeScorerService scorer = new PhenotypeScorerService(
            ScorerKillRestartIT.config(args[0], args[1], args[2], Path.of(args[3])),
            ScorerKillRestartIT.quickRecovery(args[2]));
        final Thread parentWatch = new Thread(() -> {
            try {
                while (System.in.read() >= 0) {
                    // nothing to read: the test never writes, it only holds the pipe open
                }
            } catch (final IOException e) {
                // pipe broken: same as closed
            }
            Runtime.getRuntime().halt(3);
        }, "parent-watch");
        parentWatch.setDaemon(true);
        parentWatch.start();
        scorer.start();
        String last = "";
        while (true) {
            final KafkaStreams.State state = scorer.state();
            final String now = "state=" + state + " restored=" + scorer.restores().restoredRecords();
            if (!now.equals(last)) {
                System.out.println(Instant.now() + " " + now);
                System.out.flush();
                last = now;
            }
            if (state == KafkaStreams.State.ERROR || state == KafkaStreams.State.NOT_RUNNING) {
                Runtime.getRuntime().halt(2);
            }
            Thread.sleep(50);
        }
    }
}
