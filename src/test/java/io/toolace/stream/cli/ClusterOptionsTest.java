package io.toolace.stream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ClusterOptionsTest {

    @TempDir
    Path dir;

    @Test
    void clientSettingsComeFromTheFileThenTheEnvironmentThenTheCommandLine() throws Exception {
        // Given a settings file, environment variables and -X, each overriding some of the one before
        final Path file = dir.resolve("client.properties");
        Files.writeString(file, """
                security.protocol=SASL_SSL
                sasl.mechanism=PLAIN
                sasl.jaas.config=from-file
                ssl.truststore.location=/etc/kafka/truststore.p12
                """, StandardCharsets.UTF_8);
        final ClusterOptions options = CommandLine.populateCommand(new ClusterOptions(),
                "--client-config", file.toString(), "-X", "sasl.mechanism=SCRAM-SHA-512");

        // When the settings are gathered
        final Map<String, String> settings = options.clientSettings(Map.of(
                "TOOLACE_KAFKA_SASL_MECHANISM", "SCRAM-SHA-256",
                "TOOLACE_KAFKA_SASL_JAAS_CONFIG", "from-environment",
                "TOOLACE_SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO", "reg:secret"));

        // Then each comes from the last place that names it
        assertThat(settings).containsExactlyInAnyOrderEntriesOf(Map.of(
                "security.protocol", "SASL_SSL",
                "ssl.truststore.location", "/etc/kafka/truststore.p12",
                "sasl.jaas.config", "from-environment",
                "sasl.mechanism", "SCRAM-SHA-512",
                "schema.registry.basic.auth.user.info", "reg:secret"));
    }

    @Test
    void withoutAFileOnlyTheEnvironmentAndTheCommandLineCount() {
        final ClusterOptions options = CommandLine.populateCommand(new ClusterOptions(), "-X", "client.id=toolace");

        assertThat(options.clientSettings(Map.of("TOOLACE_KAFKA_SECURITY_PROTOCOL", "SSL")))
                .containsExactlyInAnyOrderEntriesOf(Map.of("security.protocol", "SSL", "client.id", "toolace"));
    }
}
