package io.toolace.stream.kafka.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.toolace.stream.kafka.RegistrySerdes;
import io.toolace.stream.records.DialogDraft;
import io.toolace.stream.records.SeedDocument;
import io.toolace.stream.kafka.registry.DialectRegistry.Dialect;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** The serde and its client against each registry's dialect of Confluent's REST API, on loopback. */
class RegistryDialectsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOPIC = "dialog.drafts";

    static Stream<Arguments> dialectsAndStrategies() {
        return Arrays.stream(Dialect.values()).flatMap(dialect -> Stream.of(
                Arguments.of(dialect, SubjectNameStrategy.TOPIC, "dialog.drafts-value"),
                Arguments.of(dialect, SubjectNameStrategy.RECORD, "io.toolace.stream.records.DialogDraft"),
                Arguments.of(dialect, SubjectNameStrategy.TOPIC_RECORD,
                        "dialog.drafts-io.toolace.stream.records.DialogDraft")));
    }

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("dialectsAndStrategies")
    void aRecordWrittenByTheSerdeReadsBackThroughTheRegistrysOwnSchemaById(final Dialect dialect,
            final SubjectNameStrategy strategy, final String subject) throws Exception {
        try (DialectRegistry registry = DialectRegistry.start(dialect)) {
            // Given
            final DialogDraft draft = TestRecords.draft("d-1", 2);

            // When
            final byte[] bytes = new AvroSerde<>(DialogDraft.class, new RegistryClient(registry.url()), strategy, false)
                    .serialize(TOPIC, draft);

            // Then the registry serves the class's schema under the id the bytes carry, registered as the strategy says
            final int id = ByteBuffer.wrap(bytes, 1, 4).getInt();
            final HttpResponse<String> response = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(registry.url() + "/schemas/ids/" + id)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            final JsonNode answer = JSON.readTree(response.body());
            assertThat(new Schema.Parser().parse(answer.get("schema").asText())).isEqualTo(DialogDraft.getClassSchema());
            assertThat(registry.subjects()).containsExactly(subject);
            assertThat(registry.requests()).containsExactly("POST /subjects/" + subject + "/versions",
                    "GET /schemas/ids/" + id);

            // and a serde with a client of its own reads the record back
            final AvroSerde<DialogDraft> reader = AvroSerde.forValues(DialogDraft.class, new RegistryClient(registry.url()));
            assertThat(reader.deserialize(TOPIC, bytes)).isEqualTo(draft);
        }
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void withAutoRegisterOffTheSerdeOnlyLooksUpAndNamesTheSubjectItMisses(final Dialect dialect) throws Exception {
        try (DialectRegistry registry = DialectRegistry.start(dialect)) {
            // Given settings as a properties file written for Confluent's serdes has them
            final Serde<SeedDocument> seeds = RegistrySerdes.connect(registry.url(), Map.of(
                    RegistrySerdes.AUTO_REGISTER_SCHEMAS, "false",
                    RegistrySerdes.VALUE_SUBJECT_NAME_STRATEGY,
                    "io.confluent.kafka.serializers.subject.TopicRecordNameStrategy")).serde(SeedDocument.class);
            final String subject = "api.seeds-io.toolace.stream.records.SeedDocument";
            final RegistryClient admin = new RegistryClient(registry.url());

            // When the subject does not exist, then when it holds another schema only
            assertNotRegistered(() -> seeds.serializer().serialize("api.seeds", TestRecords.seed("s-1")), subject);
            admin.register(subject, new Schema.Parser().parse(
                    "{\"type\":\"record\",\"name\":\"SeedDocument\",\"namespace\":\"io.toolace.stream.records\","
                    + "\"fields\":[{\"name\":\"id\",\"type\":\"string\"}]}"));
            assertNotRegistered(() -> seeds.serializer().serialize("api.seeds", TestRecords.seed("s-1")), subject);

            // Then nothing was registered by the serde; once the schema is, its id is used
            assertThat(registry.requests()).filteredOn(r -> r.endsWith("/versions")).hasSize(1);
            final int id = admin.register(subject, SeedDocument.getClassSchema());
            final byte[] bytes = seeds.serializer().serialize("api.seeds", TestRecords.seed("s-1"));
            assertThat(ByteBuffer.wrap(bytes, 1, 4).getInt()).isEqualTo(id);
            assertThat(registry.requests()).filteredOn(r -> r.equals("POST /subjects/" + subject)).hasSize(3);
            assertThat(seeds.deserializer().deserialize("api.seeds", bytes)).isEqualTo(TestRecords.seed("s-1"));
        }
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void aBusySerdeAsksTheRegistryOncePerSchemaNotPerRecord(final Dialect dialect) throws Exception {
        try (DialectRegistry registry = DialectRegistry.start(dialect)) {
            // Given a warmed-up serde on two topics
            final AvroSerde<DialogDraft> drafts = AvroSerde.forValues(DialogDraft.class, new RegistryClient(registry.url()));
            final List<String> topics = List.of(TOPIC, "dialog.replay.drafts");
            topics.forEach(topic -> drafts.deserialize(topic, drafts.serialize(topic, TestRecords.draft("warm", 1))));
            final int warmUp = registry.requests().size();

            // When it round-trips a thousand records
            for (int i = 0; i < 1_000; i++) {
                final String topic = topics.get(i % 2);
                final DialogDraft draft = TestRecords.draft("d-" + i, 1 + i % 3);
                assertThat(drafts.deserialize(topic, drafts.serialize(topic, draft))).isEqualTo(draft);
            }

            // Then the registry heard of it only during warm-up: one registration per subject, no fetch
            assertThat(registry.requests()).hasSize(warmUp)
                    .containsExactly("POST /subjects/dialog.drafts-value/versions",
                            "POST /subjects/dialog.replay.drafts-value/versions");
        }
    }

    @Test
    void theCachesAreBoundedByMaxSchemasPerSubject() throws Exception {
        try (DialectRegistry registry = DialectRegistry.start(Dialect.CONFLUENT)) {
            // Given five schemas in the registry and a client that caches two
            final RegistryClient admin = new RegistryClient(registry.url());
            final int[] ids = new int[5];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = admin.register("things-value", new Schema.Parser().parse(
                        "{\"type\":\"record\",\"name\":\"Thing" + i + "\",\"fields\":[]}"));
            }
            final RegistryClient client = RegistryClient.fromSettings(registry.url(),
                    Map.of(RegistryClient.MAX_SCHEMAS, "2"));

            // When it fetches each twice
            for (final int id : ids) {
                client.schemaById(id);
            }
            final int afterFirstPass = registry.requests().size();
            for (final int id : ids) {
                assertThat(client.schemaById(id).getName()).isEqualTo("Thing" + (id - ids[0]));
            }

            // Then at most two answers were still cached for the second pass
            assertThat(registry.requests().size() - afterFirstPass).isGreaterThanOrEqualTo(3);
            assertThatThrownBy(() -> RegistryClient.fromSettings(registry.url(), Map.of(RegistryClient.MAX_SCHEMAS, "0")))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(RegistryClient.MAX_SCHEMAS);
        }
    }

    @Test
    void settingsWithValuesTheSerdeCannotTakeFailWithTheirName() {
        assertThatThrownBy(() -> RegistrySerdes.connect("http://127.0.0.1:1",
                Map.of(RegistrySerdes.AUTO_REGISTER_SCHEMAS, "sometimes")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("auto.register.schemas");
        // As TOOLACE_SCHEMA_REGISTRY_AUTO_REGISTER_SCHEMAS sets it
        assertThatThrownBy(() -> RegistrySerdes.connect("http://127.0.0.1:1",
                Map.of("schema.registry.auto.register.schemas", "sometimes")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("schema.registry.auto.register.schemas");
        assertThatThrownBy(() -> RegistryClient.fromSettings("http://127.0.0.1:1",
                Map.of("schema.registry.max.schemas.per.subject", "many")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("schema.registry.max.schemas.per.subject");
        assertThatThrownBy(() -> RegistrySerdes.connect("http://127.0.0.1:1",
                Map.of(RegistrySerdes.VALUE_SUBJECT_NAME_STRATEGY, "io.confluent.kafka.serializers.subject.SubjectNameStrategy")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Unknown subject name strategy 'io.confluent.kafka.serializers.subject.SubjectNameStrategy'")
                .hasMessageContaining("topic, record, topic-record");
    }

    private static void assertNotRegistered(final org.assertj.core.api.ThrowableAssert.ThrowingCallable serialize,
            final String subject) {
        assertThatThrownBy(serialize)
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("is not registered under subject '" + subject + "'")
                .hasMessageContaining("auto.register.schemas is false");
    }
}
