package io.toolace.stream.cli;

import io.toolace.stream.kafka.PipelineConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * Where the pipeline's Kafka and registry live, shared by every command that talks to them. Each
 * option also reads a {@code TOOLACE_*} environment variable, so container settings map one to one.
 */
public final class ClusterOptions {

    @Option(names = "--bootstrap-servers", defaultValue = "${env:TOOLACE_BOOTSTRAP_SERVERS}",
            description = "Kafka bootstrap servers (env TOOLACE_BOOTSTRAP_SERVERS). Unset: start the embedded broker.")
    String bootstrapServers;

    @Option(names = "--registry-url", defaultValue = "${env:TOOLACE_REGISTRY_URL}",
            description = "Schema registry URL, Confluent REST API (env TOOLACE_REGISTRY_URL). Unset: embedded registry.")
    String registryUrl;

    @Option(names = "--data-dir", defaultValue = "${env:TOOLACE_DATA_DIR:-data}",
            description = "Directory for the embedded broker, registry and Streams state (env TOOLACE_DATA_DIR, default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--topic-prefix", defaultValue = "${env:TOOLACE_TOPIC_PREFIX:-toolace.}",
            description = "Prefix of every topic and application id (env TOOLACE_TOPIC_PREFIX, default: ${DEFAULT-VALUE}).")
    String topicPrefix;

    @Option(names = "--partitions", defaultValue = "${env:TOOLACE_PARTITIONS:-4}",
            description = "Partitions of every topic the pipeline creates (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--replication", defaultValue = "${env:TOOLACE_REPLICATION:-1}",
            description = "Replication factor of the topics it creates (default: ${DEFAULT-VALUE}).")
    short replication;

    @Option(names = {"-X", "--client-property"}, paramLabel = "KEY=VALUE",
            description = "Passed to every Kafka client, e.g. -X security.protocol=SASL_SSL. Repeatable.")
    Map<String, String> clientProperties = new LinkedHashMap<>();

    PipelineConfig.Builder toBuilder() {
        return PipelineConfig.builder(dataDir)
                .bootstrapServers(blankToNull(bootstrapServers))
                .registryUrl(blankToNull(registryUrl))
                .topicPrefix(topicPrefix)
                .partitions(partitions)
                .replication(replication)
                .clientProperties(clientProperties);
    }

    private static String blankToNull(final String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
