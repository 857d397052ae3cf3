package io.toolace.stream.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of {@code toolace-stream.jar}. */
@Command(name = "toolace-stream", mixinStandardHelpOptions = true, version = "toolace-stream 0.1.0",
        description = "Synthesises and verifies function-calling training data as a Kafka Streams pipeline (after ToolACE).",
        subcommands = {RunCommand.class, BrokerCommand.class, TopicsCommand.class, SeedCommand.class,
                PoolCommand.class, VerifyCommand.class, ExportCommand.class, ReplayCommand.class, BenchCommand.class,
                SimulatorCommand.class})
public final class Main {

    public static void main(final String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }
}
