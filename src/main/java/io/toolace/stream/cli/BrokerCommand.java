package io.toolace.stream.cli;

import io.toolace.stream.Pipeline;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * The embedded broker and registry alone, with the pipeline's topics, for other processes (one stage
 * per process, a consumer, a debugger) on a machine without Docker.
 */
@Command(name = "broker", mixinStandardHelpOptions = true,
        description = "Start the embedded Kafka broker (KRaft) and schema registry, create the topics, wait for Ctrl-C.")
public final class BrokerCommand implements Callable<Integer> {

    @Mixin
    ClusterOptions cluster = new ClusterOptions();

    @Override
    public Integer call() throws Exception {
        try (ShutdownSignal stop = new ShutdownSignal();
                Pipeline pipeline = Pipeline.start(cluster.toBuilder().bootstrapServers(null).registryUrl(null).build(),
                Set.of(), Duration.ofMinutes(1))) {
            System.out.printf("broker ready%n  --bootstrap-servers %s%n  --registry-url %s%n  data in %s%n",
                    pipeline.bootstrapServers(), pipeline.registryUrl(), pipeline.config().dataDir());
            stop.await();
        }
        return 0;
    }
}
