package io.toolace.stream.cli;

import io.toolace.stream.kafka.ClientSettings;
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

    @Option(names = "--client-config", paramLabel = "FILE", defaultValue = "${env:TOOLACE_CLIENT_CONFIG}",
            description = "Client settings for Kafka and the registry, a properties file (env TOOLACE_CLIENT_CONFIG):"
                    + " security.protocol, sasl.*, ssl.*, config.providers*, basic.auth.user.info, schema.registry.ssl.*."
                    + " Keeps secrets off the command line.")
    Path clientConfig;

    @Option(names = {"-X", "--client-property"}, paramLabel = "KEY=VALUE",
            description = "A client setting, over --client-config and TOOLACE_KAFKA_* variables, e.g."
                    + " -X security.protocol=SASL_SSL. Repeatable. Not for secrets: the command line is visible to ps.")
    Map<String, String> clientProperties = new LinkedHashMap<>();

    PipelineConfig.Builder toBuilder() {
        return PipelineConfig.builder(dataDir)
                .bootstrapServers(blankToNull(bootstrapServers))
                .registryUrl(blankToNull(registryUrl))
                .topicPrefix(topicPrefix)
                .partitions(partitions)
                .replication(replication)
                .clientProperties(clientSettings(System.getenv()));
    }

    /**
     * The client settings from, in rising precedence, the {@code --client-config} file, the
     * {@code TOOLACE_KAFKA_*} and {@code TOOLACE_SCHEMA_REGISTRY_*} variables of {@code environment}, and
     * {@code -X}: a setting given twice takes the later value, so a command line can override the file.
     */
    Map<String, String> clientSettings(final Map<String, String> environment) {
        final Map<String, String> settings = new LinkedHashMap<>();
        if (clientConfig != null) {
            settings.putAll(ClientSettings.load(clientConfig));
        }
        settings.putAll(ClientSettings.fromEnvironment(environment));
        settings.putAll(clientProperties);
        return settings;
    }

    private static String blankToNull(final String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
