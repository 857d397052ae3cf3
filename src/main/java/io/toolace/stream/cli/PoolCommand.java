package io.toolace.stream.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.toolace.stream.Pipeline;
import io.toolace.stream.evolution.PoolReport;
import io.toolace.stream.kafka.KafkaClientConfig;
import io.toolace.stream.kafka.TopicScan;
import io.toolace.stream.kafka.Topics;
import io.toolace.stream.records.ApiDefinition;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Prints what the API pool holds: {@code api.pool} as it stands (committed records, the latest value
 * per key, as compaction keeps it), summarised by {@link PoolReport}.
 */
@Command(name = "pool", mixinStandardHelpOptions = true,
        description = "Print the API pool's size, spread, parameter types and shapes, constraints, generations and a sample.")
public final class PoolCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ClusterOptions cluster = new ClusterOptions();

    @Option(names = "--top", defaultValue = "10",
            description = "Domains listed one by one; the others are summed (default: ${DEFAULT-VALUE}).")
    int top;

    @Option(names = "--sample", defaultValue = "5", description = "APIs to print as a sample (default: ${DEFAULT-VALUE}).")
    int sample;

    @Option(names = "--seed", defaultValue = "42", description = "Picks the sample (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--json", description = "Also write the figures to this file as JSON.")
    Path json;

    @Override
    public Integer call() throws Exception {
        try (Pipeline pipeline = Pipeline.start(cluster.toBuilder().build(), Set.of(), Duration.ofMinutes(1))) {
            final Topics.Topic<ApiDefinition> pool = pipeline.topics().pool;
            final PoolReport report = read(pipeline.clientConfig(), pool, new PoolReport(top, sample, seed));
            final PrintWriter out = spec.commandLine().getOut();
            out.print(report.toText(pool.name()));
            if (json != null) {
                if (json.toAbsolutePath().getParent() != null) {
                    Files.createDirectories(json.toAbsolutePath().getParent());
                }
                new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(json.toFile(), report.toJson(pool.name()));
                out.printf("figures written to %s%n", json);
            }
            out.flush();
        }
        return 0;
    }

    /** The latest readable value of every key; a tombstone removes the key, an unreadable record is counted. */
    static PoolReport read(final KafkaClientConfig client, final Topics.Topic<ApiDefinition> pool,
            final PoolReport report) {
        final Deserializer<ApiDefinition> values = pool.valueSerde().deserializer();
        final Map<String, ApiDefinition> latest = new LinkedHashMap<>();
        TopicScan.scan(client, pool.name(), new ByteArrayDeserializer(), Duration.ofMinutes(10), record -> {
            if (record.value() == null) {
                latest.remove(record.key());
                return;
            }
            try {
                latest.put(record.key(), values.deserialize(record.topic(), record.value()));
            } catch (final SerializationException unreadable) {
                report.addUnreadable();
            }
        });
        latest.values().forEach(report::add);
        return report;
    }
}
