package io.toolace.stream.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.toolace.stream.Pipeline;
import io.toolace.stream.TopicReader;
import io.toolace.stream.records.Sample;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The in-JVM broker with SASL/SCRAM on: the whole pipeline logs in, and a wrong password is refused. */
class SaslScramPipelineTest {

    private static final Duration START = Duration.ofMinutes(2);
    private static final int DIALOGS = 12;
    /** JAAS separates options by spaces and quotes values: a password must survive both. */
    private static final String PASSWORD = "s3cret, with \"quotes\"";

    @TempDir
    Path dataDir;

    @Test
    void thePipelineRunsOnABrokerThatRequiresScramWithTheJaasConfigReadFromAFile(@TempDir final Path secrets)
            throws Exception {
        // Given client settings that name SCRAM and leave the password in a file, as in a mounted secret
        final Path secretFile = secrets.resolve("kafka-secrets.properties");
        // A properties file reads a backslash as an escape: the JAAS config's own escapes are doubled.
        Files.writeString(secretFile, "sasl.jaas.config=" + jaas("pipeline", PASSWORD).replace("\\", "\\\\") + "\n",
                StandardCharsets.UTF_8);
        final Map<String, String> settings = Map.of(
                "security.protocol", "SASL_PLAINTEXT",
                "sasl.mechanism", "SCRAM-SHA-256",
                "config.providers", "file",
                "config.providers.file.class", "org.apache.kafka.common.config.provider.FileConfigProvider",
                "sasl.jaas.config", "${file:" + secretFile + ":sasl.jaas.config}");
        final PipelineConfig config = PipelineConfig.builder(dataDir)
                .partitions(2)
                .planLimit(DIALOGS)
                .maxGeneration(1)
                .faultRate(0)
                .clientProperties(settings)
                .build();

        // When the whole pipeline runs on the embedded broker those settings guard
        try (Pipeline pipeline = Pipeline.start(config, new LinkedHashSet<>(Pipeline.STAGES), START)) {
            final List<ConsumerRecord<String, Sample>> verified = awaitVerified(pipeline, Duration.ofMinutes(3));

            // Then verified samples come out, and the broker refuses a client with a wrong password
            assertThat(verified).isNotEmpty();
            assertThat(pipeline.gateway().answered()).isPositive();
            assertThatThrownBy(() -> clusterId(pipeline.bootstrapServers(), "pipeline", "wrong"))
                    .hasRootCauseInstanceOf(SaslAuthenticationException.class);
            assertThat(clusterId(pipeline.bootstrapServers(), "pipeline", PASSWORD)).isNotBlank();
        }
    }

    @Test
    void aChangedPasswordTakesEffectOnRestartAndTheOldOneNoLongerLogsIn() throws Exception {
        // Given a SCRAM-guarded broker that has run with one password
        final String clusterId;
        try (EmbeddedKafka kafka = EmbeddedKafka.builder(dataDir).clientSecurity(scram("alice", "first")).start()) {
            clusterId = clusterId(kafka.bootstrapServers(), "alice", "first");
        }

        // When it restarts on the same directory with another
        try (EmbeddedKafka kafka = EmbeddedKafka.builder(dataDir).clientSecurity(scram("alice", "second")).start()) {
            // Then the new one logs in to the same cluster and the old one is refused
            assertThat(clusterId(kafka.bootstrapServers(), "alice", "second")).isEqualTo(clusterId);
            assertThatThrownBy(() -> clusterId(kafka.bootstrapServers(), "alice", "first"))
                    .hasRootCauseInstanceOf(SaslAuthenticationException.class);
        }
    }

    @Test
    void securityTheEmbeddedBrokerCannotProvideIsRefusedBeforeItStarts() {
        assertThatThrownBy(() -> EmbeddedKafka.builder(dataDir).clientSecurity(Map.of("security.protocol", "SASL_SSL")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("SASL_SSL");
        assertThatThrownBy(() -> EmbeddedKafka.builder(dataDir).clientSecurity(Map.of(
                "security.protocol", "SASL_PLAINTEXT", "sasl.mechanism", "PLAIN")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PLAIN");
        assertThatThrownBy(() -> EmbeddedKafka.builder(dataDir).clientSecurity(Map.of(
                "security.protocol", "SASL_PLAINTEXT", "sasl.mechanism", "SCRAM-SHA-512",
                "sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"a\";")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("password");
    }

    private static Map<String, String> scram(final String user, final String password) {
        return Map.of("security.protocol", "SASL_PLAINTEXT", "sasl.mechanism", "SCRAM-SHA-256",
                "sasl.jaas.config", jaas(user, password));
    }

    private static String jaas(final String user, final String password) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user
                + "\" password=\"" + password.replace("\"", "\\\"") + "\";";
    }

    /** The cluster id as a client of this user sees it: fails with the broker's refusal for a wrong password. */
    private static String clusterId(final String bootstrapServers, final String user, final String password)
            throws Exception {
        final Properties props = KafkaClientConfig.of(bootstrapServers, scram(user, password)).clientProperties();
        try (Admin admin = Admin.create(props)) {
            return admin.describeCluster().clusterId().get(30, TimeUnit.SECONDS);
        } catch (final ExecutionException e) {
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        }
    }

    private static List<ConsumerRecord<String, Sample>> awaitVerified(final Pipeline pipeline, final Duration timeout)
            throws InterruptedException {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            assertThat(pipeline.failure()).isNull();
            final List<ConsumerRecord<String, Sample>> verified =
                    TopicReader.readAll(pipeline.clientConfig(), pipeline.topics().verified);
            if (!verified.isEmpty()) {
                return verified;
            }
            Thread.sleep(1_000);
        }
        throw new AssertionError("no verified sample within " + timeout);
    }
}
