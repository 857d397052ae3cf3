package io.toolace.stream.cli;

import io.toolace.stream.Pipeline;
import io.toolace.stream.kafka.TopicAdmin;
import io.toolace.stream.kafka.TopicInfo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** Creates the pipeline's topics if needed and lists them with their record counts. */
@Command(name = "topics", mixinStandardHelpOptions = true,
        description = "Create the pipeline's topics if missing and list them with record counts (read_committed).")
public final class TopicsCommand implements Callable<Integer> {

    @Mixin
    ClusterOptions cluster = new ClusterOptions();

    @Override
    public Integer call() throws Exception {
        try (Pipeline pipeline = Pipeline.start(cluster.toBuilder().build(), Set.of(), Duration.ofMinutes(1));
                TopicAdmin admin = TopicAdmin.create(pipeline.clientConfig())) {
            final List<String> names = new ArrayList<>();
            pipeline.topics().all().forEach(t -> names.add(t.name()));
            names.add(pipeline.topics().dlq);
            System.out.printf("%-40s %10s %-8s %12s%n", "topic", "partitions", "cleanup", "records");
            for (final TopicInfo info : admin.describe(names)) {
                System.out.printf("%-40s %10d %-8s %12d%n", info.name(), info.partitions(), info.cleanupPolicy(),
                        admin.countCommitted(info.name(), Duration.ofSeconds(30)));
            }
        }
        return 0;
    }
}
