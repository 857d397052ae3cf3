package io.toolace.stream.examples;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * A downstream consumer of {@code samples.verified} that knows nothing of this project: Kafka's client,
 * Avro and the registry's REST API. It joins a consumer group of its own (so it keeps its place, and more
 * instances share the partitions), reads {@code read_committed} (only samples whose verification
 * transaction committed; an aborted one is never seen), and decodes the Confluent wire format: byte 0,
 * a 4-byte schema id, then Avro binary, the writer's schema fetched once per id from
 * {@code GET /schemas/ids/{id}}.
 *
 * <pre>
 * java -cp ... io.toolace.stream.examples.VerifiedSampleConsumer 127.0.0.1:9092 http://127.0.0.1:8081 \
 *     toolace.samples.verified my-trainer
 * </pre>
 */
public final class VerifiedSampleConsumer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final KafkaConsumer<String, byte[]> consumer;
    private final HttpClient http = HttpClient.newHttpClient();
    private final String registryUrl;
    private final Map<Integer, Schema> schemas = new ConcurrentHashMap<>();

    public VerifiedSampleConsumer(final String bootstrapServers, final String registryUrl, final String topic,
            final String groupId) {
        final Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        this.consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
        this.registryUrl = registryUrl;
        consumer.subscribe(List.of(topic));
    }

    /** The samples that arrived within {@code timeout}, committed as consumed once handed over. */
    public List<GenericRecord> poll(final Duration timeout) {
        final List<GenericRecord> samples = new ArrayList<>();
        for (final ConsumerRecord<String, byte[]> record : consumer.poll(timeout)) {
            samples.add(decode(record.value()));
        }
        consumer.commitSync();
        return samples;
    }

    private GenericRecord decode(final byte[] value) {
        final ByteBuffer buffer = ByteBuffer.wrap(value);
        if (buffer.get() != 0) {
            throw new IllegalArgumentException("not the Confluent wire format: the first byte is not 0");
        }
        final Schema writer = schemas.computeIfAbsent(buffer.getInt(), this::fetchSchema);
        try {
            return new GenericDatumReader<GenericRecord>(writer).read(null,
                    DecoderFactory.get().binaryDecoder(value, buffer.position(), buffer.remaining(), null));
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot decode a sample: " + e.getMessage(), e);
        }
    }

    private Schema fetchSchema(final int id) {
        try {
            final HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(URI.create(registryUrl + "/schemas/ids/" + id)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("registry answered " + response.statusCode() + " for schema " + id);
            }
            return new Schema.Parser().parse(JSON.readTree(response.body()).get("schema").asText());
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot fetch schema " + id + ": " + e.getMessage(), e);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while fetching schema " + id, e);
        }
    }

    @Override
    public void close() {
        consumer.close();
    }

    public static void main(final String[] args) {
        if (args.length != 4) {
            System.err.println("usage: VerifiedSampleConsumer BOOTSTRAP_SERVERS REGISTRY_URL TOPIC GROUP_ID");
            System.exit(2);
        }
        try (VerifiedSampleConsumer samples = new VerifiedSampleConsumer(args[0], args[1], args[2], args[3])) {
            while (true) {
                for (final GenericRecord sample : samples.poll(Duration.ofSeconds(1))) {
                    System.out.printf("%s %s %s, %d turns%n", sample.get("id"), sample.get("dialogType"),
                            sample.get("domain"), ((List<?>) sample.get("turns")).size());
                }
            }
        }
    }
}
