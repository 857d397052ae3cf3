package io.toolace.stream.kafka.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.toolace.stream.DialogPromises;
import io.toolace.stream.Pipeline;
import io.toolace.stream.TopicReader;
import io.toolace.stream.kafka.PipelineConfig;
import io.toolace.stream.records.Sample;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The whole pipeline against a broker and a schema registry in containers, as a deployment runs it:
 * Apache Kafka ({@code apache/kafka}) with Confluent Schema Registry ({@code confluentinc/cp-schema-registry}),
 * and with Apicurio Registry ({@code apicurio/apicurio-registry}) through its Confluent-compatible API
 * under {@code /apis/ccompat/v7}. The loopback fakes of {@link RegistryDialectsTest} model what differs
 * between registries; these tests check the models against the real servers.
 *
 * <p>They need a Docker engine. Where none answers (no Docker installed, or, as on the build machine
 * this was written on, a docker client whose daemon is not running), {@code disabledWithoutDocker}
 * makes JUnit report both tests as skipped, with "Docker is not available" as the reason, rather
 * than failing the build.
 */
@Testcontainers(disabledWithoutDocker = true)
class RegistryContainersTest {

    private static final DockerImageName KAFKA = DockerImageName.parse("apache/kafka:4.1.0");
    private static final DockerImageName CONFLUENT_REGISTRY = DockerImageName.parse("confluentinc/cp-schema-registry:7.9.0");
    private static final DockerImageName APICURIO_REGISTRY = DockerImageName.parse("apicurio/apicurio-registry:3.0.6");
    /** Image pulls come on top of the broker's and the stages' start. */
    private static final Duration START = Duration.ofMinutes(3);
    private static final int SAMPLES = 3;

    @TempDir
    Path dataDir;

    @Test
    void thePipelineRunsAgainstConfluentSchemaRegistry() throws Exception {
        try (Network network = Network.newNetwork();
                KafkaContainer kafka = broker(network);
                GenericContainer<?> registry = new GenericContainer<>(CONFLUENT_REGISTRY)
                        .withNetwork(network)
                        .withEnv("SCHEMA_REGISTRY_HOST_NAME", "schema-registry")
                        .withEnv("SCHEMA_REGISTRY_LISTENERS", "http://0.0.0.0:8081")
                        .withEnv("SCHEMA_REGISTRY_KAFKASTORE_BOOTSTRAP_SERVERS", "PLAINTEXT://kafka:19092")
                        .withExposedPorts(8081)
                        .waitingFor(Wait.forHttp("/subjects").forStatusCode(200))) {
            registry.start();
            runAndCheck(kafka, "http://" + registry.getHost() + ":" + registry.getMappedPort(8081));
        }
    }

    @Test
    void thePipelineRunsAgainstApicurioThroughItsConfluentCompatibleApi() throws Exception {
        try (Network network = Network.newNetwork();
                KafkaContainer kafka = broker(network);
                GenericContainer<?> registry = new GenericContainer<>(APICURIO_REGISTRY)
                        .withExposedPorts(8080)
                        .waitingFor(Wait.forHttp("/apis/ccompat/v7/subjects").forStatusCode(200))) {
            registry.start();
            runAndCheck(kafka, "http://" + registry.getHost() + ":" + registry.getMappedPort(8080) + "/apis/ccompat/v7");
        }
    }

    private static KafkaContainer broker(final Network network) {
        final KafkaContainer kafka = new KafkaContainer(KAFKA).withNetwork(network).withListener("kafka:19092");
        kafka.start();
        return kafka;
    }

    /**
     * Runs every stage until a few samples are verified, then reads each verified record's writer
     * schema back from the registry by the id in its bytes.
     */
    private void runAndCheck(final KafkaContainer kafka, final String registryUrl) throws Exception {
        final PipelineConfig config = PipelineConfig.builder(dataDir)
                .bootstrapServers(kafka.getBootstrapServers())
                .registryUrl(registryUrl)
                .partitions(1)
                .maxGeneration(1)
                .planLimit(2 * SAMPLES)
                .build();
        try (Pipeline pipeline = Pipeline.start(config, new LinkedHashSet<>(Pipeline.STAGES), START)) {
            final List<ConsumerRecord<String, Sample>> verified = awaitVerified(pipeline, Duration.ofMinutes(4));
            final Set<String> poolNames = TopicReader.readAll(pipeline.clientConfig(), pipeline.topics().pool).stream()
                    .map(r -> r.value().getName()).collect(Collectors.toSet());
            verified.forEach(record -> DialogPromises.assertKept(record.value(), poolNames));

            final RegistryClient registry = new RegistryClient(registryUrl);
            final String topic = pipeline.topics().verified.name();
            assertThat(registry.subjects()).contains(topic + "-value");
            for (final ConsumerRecord<String, byte[]> raw : TopicReader.readRaw(pipeline.clientConfig(), topic)) {
                final int id = ByteBuffer.wrap(raw.value(), 1, 4).getInt();
                assertThat(registry.schemaById(id)).as("writer schema of %s", raw.key()).isEqualTo(Sample.getClassSchema());
            }
        }
    }

    private static List<ConsumerRecord<String, Sample>> awaitVerified(final Pipeline pipeline, final Duration timeout)
            throws InterruptedException {
        final long deadline = System.nanoTime() + timeout.toNanos();
        List<ConsumerRecord<String, Sample>> verified = List.of();
        while (System.nanoTime() < deadline) {
            assertThat(pipeline.failure()).isNull();
            verified = TopicReader.readAll(pipeline.clientConfig(), pipeline.topics().verified);
            if (verified.size() >= SAMPLES) {
                return verified;
            }
            Thread.sleep(1_000);
        }
        throw new AssertionError("only " + verified.size() + " of " + SAMPLES + " samples verified within " + timeout);
    }
}
