package io.toolace.stream.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class KafkaClientConfigTest {

    private static final Map<String, Object> SETTINGS = Map.of(
            "security.protocol", "SASL_SSL",
            "sasl.mechanism", "SCRAM-SHA-512",
            "sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"u\" password=\"p\";",
            "ssl.truststore.location", "/etc/kafka/truststore.jks",
            "ssl.truststore.password", 1234,
            "schema.registry.url", "http://registry:8081",
            "num.stream.threads", "4");

    @Test
    void keepsOnlyConnectionSettingsAndAddsThemToEveryClient() {
        final KafkaClientConfig config = KafkaClientConfig.of("broker-1:9093,broker-2:9093", SETTINGS);

        assertThat(config.securitySettings()).containsOnlyKeys(
                "security.protocol", "sasl.mechanism", "sasl.jaas.config", "ssl.truststore.location", "ssl.truststore.password")
                .containsEntry("ssl.truststore.password", "1234");
        assertThat(config.clientProperties())
                .containsEntry("bootstrap.servers", "broker-1:9093,broker-2:9093")
                .containsEntry("security.protocol", "SASL_SSL")
                .doesNotContainKeys("schema.registry.url", "num.stream.threads", "group.id");
        assertThat(config.consumer("exporter"))
                .containsEntry("group.id", "exporter")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512");
        assertThat(config.streams("toolace-verify"))
                .containsEntry("application.id", "toolace-verify")
                .containsEntry("ssl.truststore.location", "/etc/kafka/truststore.jks");
    }

    @Test
    void configProvidersTravelWithTheSecuritySettingsSoEachClientResolvesTheirReferences() {
        final KafkaClientConfig config = KafkaClientConfig.of("kafka:9093", Map.of(
                "security.protocol", "SASL_SSL",
                "config.providers", "file",
                "config.providers.file.class", "org.apache.kafka.common.config.provider.FileConfigProvider",
                "config.providers.file.param.allowed.paths", "/run/secrets",
                "sasl.jaas.config", "${file:/run/secrets/kafka.properties:sasl.jaas.config}"));

        assertThat(config.consumer("exporter")).containsKeys("config.providers", "config.providers.file.class",
                "config.providers.file.param.allowed.paths", "sasl.jaas.config");
    }

    @Test
    void eachCallReturnsItsOwnProperties() {
        final KafkaClientConfig config = KafkaClientConfig.of("localhost:9092");

        config.clientProperties().put("acks", "1");

        assertThat(config.clientProperties()).containsOnlyKeys("bootstrap.servers");
    }

    @Test
    void blankBootstrapServersAreRefused() {
        assertThatThrownBy(() -> KafkaClientConfig.of(" ")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bootstrap servers");
    }
}
