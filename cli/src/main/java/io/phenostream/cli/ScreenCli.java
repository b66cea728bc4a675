package io.phenostream.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The single entry point: {@code ./screen <command>}. */
@Command(name = "screen", mixinStandardHelpOptions = true, version = "PhenoStream 0.1.0",
    description = "High-throughput image screening: S3 + Kafka + OpenCV + Kafka Streams + PostgreSQL.",
    subcommands = {DemoCommand.class, RunCommand.class, IngestCommand.class, WatchCommand.class,
        IngestServerCommand.class, SynthCommand.class, CropsCommand.class, EvaluateCommand.class, HitsCommand.class, CompareCommand.class, ServeCommand.class,
        ReplayCommand.class, ReplaysCommand.class,
        ServiceCommands.Extractor.class,
        ServiceCommands.Scorer.class, ServiceCommands.Sink.class, CommandLine.HelpCommand.class})
public final class ScreenCli {

    public static void main(final String[] args) {
        System.exit(commandLine().execute(args));
    }

    public static CommandLine commandLine() {
        final CommandLine cl = new CommandLine(new ScreenCli());
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("screen " + cmd.getCommandName() + ": " + describe(e));
            if (System.getenv("PHENOSTREAM_DEBUG") != null) {
                e.printStackTrace(cmd.getErr());
            }
            return 1;
        });
        return cl;
    }

    static String describe(final Throwable e) {
        Throwable t = e;
        final StringBuilder sb = new StringBuilder(String.valueOf(t.getMessage()));
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
            if (t.getMessage() != null && !sb.toString().contains(t.getMessage())) {
                sb.append(": ").append(t.getMessage());
            }
        }
        return sb.toString();
    }
}
