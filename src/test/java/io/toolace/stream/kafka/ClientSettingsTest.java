package io.toolace.stream.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClientSettingsTest {

    private static final String JAAS =
            "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"svc\" password=\"pa55\";";

    @TempDir
    Path dir;

    @Test
    void environmentVariablesNameSettingsAsConfluentImagesDo() {
        final Map<String, String> settings = ClientSettings.fromEnvironment(Map.of(
                "TOOLACE_KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
                "TOOLACE_KAFKA_SASL_MECHANISM", "SCRAM-SHA-512",
                "TOOLACE_KAFKA_SASL_JAAS_CONFIG", JAAS,
                "TOOLACE_KAFKA_CONFIG_PROVIDERS_MY__FILES_CLASS", "org.example.Provider",
                "TOOLACE_KAFKA_CONFIG_PROVIDERS_VAULT___PROD_CLASS", "org.example.Vault",
                "TOOLACE_SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO", "reg:istry",
                "TOOLACE_SCHEMA_REGISTRY_SSL_TRUSTSTORE_LOCATION", "/etc/registry/ca.pem",
                "TOOLACE_BOOTSTRAP_SERVERS", "kafka:9092",
                "TOOLACE_KAFKA_", "no name",
                "PATH", "/usr/bin"));

        assertThat(settings).containsExactlyInAnyOrderEntriesOf(Map.of(
                "security.protocol", "SASL_SSL",
                "sasl.mechanism", "SCRAM-SHA-512",
                "sasl.jaas.config", JAAS,
                "config.providers.my_files.class", "org.example.Provider",
                "config.providers.vault-prod.class", "org.example.Vault",
                "schema.registry.basic.auth.user.info", "reg:istry",
                "schema.registry.ssl.truststore.location", "/etc/registry/ca.pem"));
    }

    @Test
    void aPropertiesFileReadsAsKafkaToolsReadTheirCommandConfig() throws Exception {
        final Path file = dir.resolve("client.properties");
        Files.writeString(file, """
                # a comment
                security.protocol = SASL_SSL
                sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required \\
                    username="svc" password="p\\\\w";
                ssl.truststore.location=/etc/kafka/truststore.p12
                """, StandardCharsets.UTF_8);

        assertThat(ClientSettings.load(file)).containsExactlyInAnyOrderEntriesOf(Map.of(
                "security.protocol", "SASL_SSL",
                "sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required "
                        + "username=\"svc\" password=\"p\\w\";",
                "ssl.truststore.location", "/etc/kafka/truststore.p12"));
        assertThatThrownBy(() -> ClientSettings.load(dir.resolve("missing.properties")))
                .isInstanceOf(UncheckedIOException.class).hasMessageContaining("missing.properties");
    }

    @Test
    void referencesResolveThroughTheConfigProvidersOfTheSameSettings() throws Exception {
        final Path secrets = dir.resolve("secrets.properties");
        Files.writeString(secrets, "user.info=reg:s3cret\n", StandardCharsets.UTF_8);
        final Map<String, String> settings = Map.of(
                "config.providers", "file",
                "config.providers.file.class", "org.apache.kafka.common.config.provider.FileConfigProvider",
                "basic.auth.user.info", "${file:" + secrets + ":user.info}",
                "schema.registry.ssl.truststore.type", "PEM");

        assertThat(ClientSettings.resolve(settings))
                .containsEntry("basic.auth.user.info", "reg:s3cret")
                .containsEntry("schema.registry.ssl.truststore.type", "PEM");
        assertThat(ClientSettings.resolve(Map.of("basic.auth.user.info", "${file:" + secrets + ":user.info}")))
                .as("without config.providers a reference is a plain value")
                .containsEntry("basic.auth.user.info", "${file:" + secrets + ":user.info}");
        assertThatThrownBy(() -> ClientSettings.resolve(Map.of(
                "config.providers", "file",
                "config.providers.file.class", "org.apache.kafka.common.config.provider.FileConfigProvider",
                "sasl.jaas.config", "${file:" + dir.resolve("absent.properties") + ":sasl.jaas.config}")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("absent.properties");
    }

    @Test
    void aReferenceInsideAValueFillsInOneSecretAsKubernetesMountsItAsAFile() throws Exception {
        final Path secrets = Files.createDirectory(dir.resolve("secrets"));
        Files.writeString(secrets.resolve("kafka-password"), "pa55", StandardCharsets.UTF_8);

        final Map<String, String> resolved = ClientSettings.resolve(Map.of(
                "config.providers", "dir",
                "config.providers.dir.class", "org.apache.kafka.common.config.provider.DirectoryConfigProvider",
                "sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"svc\" "
                        + "password=\"${dir:" + secrets + ":kafka-password}\";"));

        assertThat(resolved).containsEntry("sasl.jaas.config", JAAS);
    }

    @Test
    void secretsAreHiddenWhereverSettingsArePrinted() {
        final Map<String, String> settings = Map.of(
                "security.protocol", "SASL_SSL",
                "sasl.mechanism", "SCRAM-SHA-512",
                "sasl.jaas.config", JAAS,
                "ssl.truststore.location", "/etc/kafka/truststore.p12",
                "ssl.truststore.password", "trust-pa55",
                "ssl.keystore.key", "-----BEGIN PRIVATE KEY-----",
                "sasl.oauthbearer.client.credentials.client.secret", "oauth-pa55",
                "basic.auth.user.info", "reg:pa55",
                "schema.registry.basic.auth.user.info", "reg:pa55");

        final Map<String, String> redacted = ClientSettings.redacted(settings);
        final String config = PipelineConfig.builder(dir).clientProperties(settings).build().toString();
        final String client = KafkaClientConfig.of("kafka:9093", settings).toString();

        assertThat(redacted).containsOnlyKeys(settings.keySet())
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                .containsEntry("ssl.truststore.location", "/etc/kafka/truststore.p12")
                .containsEntry("sasl.jaas.config", ClientSettings.HIDDEN)
                .containsEntry("ssl.truststore.password", ClientSettings.HIDDEN)
                .containsEntry("ssl.keystore.key", ClientSettings.HIDDEN)
                .containsEntry("sasl.oauthbearer.client.credentials.client.secret", ClientSettings.HIDDEN)
                .containsEntry("basic.auth.user.info", ClientSettings.HIDDEN)
                .containsEntry("schema.registry.basic.auth.user.info", ClientSettings.HIDDEN);
        for (final String printed : new String[] {redacted.toString(), config, client}) {
            assertThat(printed).contains("SASL_SSL").contains(ClientSettings.HIDDEN)
                    .doesNotContain("pa55").doesNotContain("PRIVATE KEY");
        }
        assertThat(PipelineConfig.builder(dir).clientProperties(settings).build().clientProperties())
                .as("hidden in print only").containsEntry("sasl.jaas.config", JAAS);
    }
}
